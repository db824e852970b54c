-- GET the URL given on wrk's command line, counting answers as report.lua does.
dofile((debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./") .. "report.lua")
