-- POST /api/v1/accounts with a new username every time (PREFIX<counter>), one connection:
-- each answer is a committed registration. Arguments (after --): PREFIX

local prefix
local counter = 0

function init(args)
  prefix = args[1]
end

function request()
  counter = counter + 1
  local body = string.format('{"username":"%s%d","password":"bench-password-1"}', prefix, counter)
  return wrk.format("POST", "/api/v1/accounts", { ["Content-Type"] = "application/json" }, body)
end

-- done(): the shared result line
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
