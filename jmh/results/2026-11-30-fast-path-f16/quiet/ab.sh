#!/bin/bash
# Alternating A/B of main at 108c84c (base.jar, built by `./mvnw -B verify` on a clean clone) and the
# second fast-path attempt c34e021 (f16.jar, `./mvnw -B -o -q -pl jmh -am -DskipTests package`),
# on an otherwise idle machine; each run under nice -n -20.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
run() {
  v=$1; n=$2
  echo "$v-$n start $(date +%T) load $(cat /proc/loadavg)" >> out/load.log
  nice -n -20 $J --enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true -jar $v.jar -f 1 -wi 2 -w 1s -i 3 -r 1s \
    -p timelineCapacity=100000 -prof gc -rf json -rff out/$v-$n.json \
    'TaskBenchmark.*async|BatchBenchmark|NestedBenchmark' > out/$v-$n.txt 2>&1
  echo "$v-$n end $(date +%T) load $(cat /proc/loadavg)" >> out/load.log
}
run base 1; run f16 1; run base 2; run f16 2; run base 3; run f16 3
