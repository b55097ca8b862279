#!/bin/bash
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
cd /tmp/jfr-ab
for pair in 1 2 3; do
  for side in before after; do
    echo "pair $pair $side start $(date -u +%H:%M:%S) loadavg $(cat /proc/loadavg)" >> log.txt
    java -jar /tmp/jfr-bench-$side.jar 'TaskBenchmark.raylite_async$' -prof gc -f 1 -wi 2 -i 3 > $pair-$side.txt 2>&1
    echo "pair $pair $side end $(date -u +%H:%M:%S) loadavg $(cat /proc/loadavg)" >> log.txt
  done
done
echo done >> log.txt
