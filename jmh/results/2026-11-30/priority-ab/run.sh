#!/bin/sh
# Alternating A/B of TaskBenchmark.raylite_async: main (93959d8, before priorities) and the
# branch with priorities, explain and deadlock detection. Jars built with
#   ./mvnw -B -q -o package -pl jmh -am -DskipTests -Dmaven.javadoc.skip=true
# and copied to $JARS/main.jar and $JARS/branch.jar.
JARS=${JARS:-/tmp/hang21-jars}
OUT=$(dirname "$0")
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for pair in 1 2 3; do
  for jar in main branch; do
    f="$OUT/pair$pair-$jar.txt"
    echo "loadavg at start: $(cat /proc/loadavg)" > "$f"
    "$JAVA" --enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true -jar "$JARS/$jar.jar" \
      'TaskBenchmark.raylite_async$' -p timelineCapacity=100000 -prof gc -f 1 -wi 2 -i 3 -w 1s -r 1s >> "$f" 2>&1
    echo "loadavg at end: $(cat /proc/loadavg)" >> "$f"
  done
done
