-- GET /api/v1/peers/user<K> with K uniformly random in 1..N and a bearer token; with PARITY
-- "odd" or "even", only the odd or even K (the seeded key log holds the odd users; "all": any).
-- Arguments (after --): TOKEN N [PARITY] [DELAY_MS]
--   DELAY_MS  pause of each connection before each request: a paced rate, for latency under load

local token, users, parity, pause

function init(args)
  token = args[1]
  users = tonumber(args[2])
  parity = args[3]
  pause = tonumber(args[4] or "0")
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

local function user()
  if parity == "odd" then
    return 2 * math.random(0, math.floor((users - 1) / 2)) + 1
  elseif parity == "even" then
    return 2 * math.random(1, math.floor(users / 2))
  end
  return math.random(1, users)
end

function request()
  return wrk.format("GET", "/api/v1/peers/user" .. user(),
    { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" })
end

function delay()
  return pause
end

-- done(): the shared result line
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
