-- GET /api/v1/peers/user<K> with K uniformly random in 1..N and a bearer token.
-- Arguments (after --): TOKEN N

local token, users

function init(args)
  token = args[1]
  users = tonumber(args[2])
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

function request()
  return wrk.format("GET", "/api/v1/peers/user" .. math.random(1, users),
    { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" })
end

-- done(): the shared result line
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
