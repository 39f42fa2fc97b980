#!/bin/sh
# An application for the Pod tests: writes LINES numbered JSON lines to /var/log/app/app.log, BATCH lines every
# 0.1 s, and rotates the file every ROTATE lines (rename to app.log.1, create app.log); then touches .written, idles.
dir=/var/log/app lines=${LINES:-3000} rotate=${ROTATE:-1000} batch=${BATCH:-10}
trap 'exit 0' TERM INT
if [ -f "$dir/.written" ]; then while :; do sleep 1; done; fi # started again after its work (restartPolicy Always)
mkdir -p "$dir" && : > "$dir/app.log"
gen=0 i=1
while [ "$i" -le "$lines" ]; do
  echo "{\"level\":\"info\",\"gen\":$gen,\"seq\":$i}" >> "$dir/app.log"
  if [ $((i % rotate)) -eq 0 ] && [ "$i" -lt "$lines" ]; then
    mv "$dir/app.log" "$dir/app.log.1" && : > "$dir/app.log"
    gen=$((gen + 1))
  fi
  [ $((i % batch)) -eq 0 ] && sleep 0.1
  i=$((i + 1))
done
touch "$dir/.written"
while :; do sleep 1; done
