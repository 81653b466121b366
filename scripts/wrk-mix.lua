-- wrk script for `recsys serve`: random products, n in {5, 10, 20}, and the original system's mix
-- of 50 recommend to 1 health to 1 metrics. Product ids come from the file named by PRODUCTS
-- (one id per line), e.g.:
--   sqlite3 store.db "select product_id from products" > /tmp/ids.txt
--   PRODUCTS=/tmp/ids.txt wrk -t2 -c100 -d10s -s scripts/wrk-mix.lua --latency http://127.0.0.1:8000
local ids = {}
-- NS="100" (comma-separated) replaces the n mix, e.g. for the n=100 comparison with a bare server.
local ns = {5, 10, 20}
local counter = 0

function init(args)
  for line in io.lines(os.getenv("PRODUCTS")) do ids[#ids + 1] = line end
  if os.getenv("NS") then
    ns = {}
    for n in string.gmatch(os.getenv("NS"), "%d+") do ns[#ns + 1] = tonumber(n) end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
end

function request()
  counter = counter + 1
  local slot = counter % 52
  if slot == 50 then return wrk.format("GET", "/health") end
  if slot == 51 then return wrk.format("GET", "/metrics") end
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/recommend/" .. id .. "?n=" .. ns[math.random(#ns)])
end
