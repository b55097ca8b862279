#!/bin/sh
# Two more pairs of the A/B in run.sh, the branch first in each, with longer measurement
# (-wi 3 -i 6) to narrow the allocation figure.
JARS=${JARS:-/tmp/hang21-jars}
OUT=$(dirname "$0")
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for pair in 4 5; do
  for jar in branch main; do
    f="$OUT/pair$pair-$jar.txt"
    echo "loadavg at start: $(cat /proc/loadavg)" > "$f"
    "$JAVA" --enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true -jar "$JARS/$jar.jar" \
      'TaskBenchmark.raylite_async$' -p timelineCapacity=100000 -prof gc -f 1 -wi 3 -i 6 -w 1s -r 1s >> "$f" 2>&1
    echo "loadavg at end: $(cat /proc/loadavg)" >> "$f"
  done
done
