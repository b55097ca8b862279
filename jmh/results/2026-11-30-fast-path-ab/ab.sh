#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for n in 1 2; do for v in base s16; do
  echo "$v-$n start $(date +%T) load $(cat /proc/loadavg)" >> out/load.log
  $J --enable-native-access=ALL-UNNAMED -jar $v.jar -f 1 -wi 2 -w 1s -i 3 -r 1s -p timelineCapacity=100000 -prof gc -rf json -rff out/$v-$n.json 'TaskBenchmark.*async|BatchBenchmark|NestedBenchmark' > out/$v-$n.txt 2>&1
  echo "$v-$n end $(date +%T) load $(cat /proc/loadavg)" >> out/load.log
done; done
echo done >> out/load.log
