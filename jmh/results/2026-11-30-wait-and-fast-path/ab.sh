#!/bin/bash
# Alternating A/B/C on an idle machine: main at a002565 (base), main + the wait changes at b1dbeaf (wait2),
# and those plus the scheduler's lock-free CPU path at f64abf9 (fpw2); each run under nice -n -20.
cd /tmp/ab
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
run() {
  v=$1; n=$2
  echo "$v-$n start $(date +%T) load $(cat /proc/loadavg)" >> out/load.log
  nice -n -20 $J --enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true -jar $v.jar -f 1 -wi 2 -w 1s -i 3 -r 1s \
    -p timelineCapacity=100000 -prof gc -rf json -rff out/$v-$n.json \
    'TaskBenchmark.*async|BatchBenchmark|NestedBenchmark' > out/$v-$n.txt 2>&1
  echo "$v-$n end $(date +%T) load $(cat /proc/loadavg)" >> out/load.log
}
for n in 1 2 3; do
  if [ $((n % 2)) = 1 ]; then order="base wait2 fpw2"; else order="fpw2 wait2 base"; fi
  for v in $order; do run $v $n; done
done
