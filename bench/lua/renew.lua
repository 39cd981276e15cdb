-- PUT /api/v1/presence as the seeded users (bench/java/Seed.java --tokens), each with its own
-- bearer token: thread I of T renews user<I+1>, user<I+1+T>, ... and starts over after user<N>,
-- so T threads together renew all N users in turn.
-- Arguments (after --): N THREADS [DELAY_MS] [ONE_USER]
--   DELAY_MS  pause of each connection before each request (paces the renewal rate); 0 = none
--   ONE_USER  renew only this user, as fast as possible: one client flooding
local users, threads, pause, one
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local function token(user)
  return string.format("benchtoken%033d", user)
end

function init(args)
  users = tonumber(args[1])
  threads = tonumber(args[2])
  pause = tonumber(args[3] or "0")
  one = tonumber(args[4] or "0")
  next_user = id + 1
end

function request()
  local user = one
  if one == 0 then
    user = next_user
    next_user = next_user + threads
    if next_user > users then next_user = next_user - users end
  end
  return wrk.format("PUT", "/api/v1/presence",
    { ["Authorization"] = "Bearer " .. token(user), ["Content-Type"] = "application/json",
      ["Accept"] = "application/json" },
    string.format('{"port":%d}', 20000 + user % 40000))
end

function delay()
  return pause
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
