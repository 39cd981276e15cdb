-- POST /api/v1/sessions {"username":"user<K>","password":P} with K random in 1..N:
-- correct passwords, spread over many accounts (no lockout, no single hot row).
-- Arguments (after --): PASSWORD N

local password, users

function init(args)
  password = args[1]
  users = tonumber(args[2])
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

function request()
  local body = string.format('{"username":"user%d","password":"%s"}', math.random(1, users), password)
  return wrk.format("POST", "/api/v1/sessions", { ["Content-Type"] = "application/json" }, body)
end

-- done(): the shared result line
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
