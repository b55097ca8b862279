#!/bin/bash
# ActorBenchmark, alternating main at a002565 (base) and the merged wait changes and lock-free CPU
# path at f64abf9 (fpw2), in the order fpw2 base base fpw2; each run under nice -n -20.
cd /tmp/ab
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
run() {
  v=$1; n=$2
  echo "actor-$v-$n start $(date +%T) load $(cat /proc/loadavg)" >> outq/load-actor.log
  nice -n -20 $J --enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true -jar $v.jar -f 1 -wi 2 -w 1s -i 3 -r 1s \
    -p timelineCapacity=100000 -prof gc -rf json -rff outq/actor-$v-$n.json 'ActorBenchmark' > outq/actor-$v-$n.txt 2>&1
  echo "actor-$v-$n end $(date +%T) load $(cat /proc/loadavg)" >> outq/load-actor.log
}
run fpw2 1; run base 1; run base 2; run fpw2 2
