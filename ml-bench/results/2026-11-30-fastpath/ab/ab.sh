#!/bin/bash
# Alternating --mode all runs of ml-bench: main before the lock-free path (a002565, base) and after
# it (bfd299e, new); each under nice -n -20.
cd /work/main
out=ml-bench/results/2026-11-30-fastpath/ab
for n in 1 2 3; do
  for v in base new; do
    jar=/tmp/mlb.jar; [ $v = base ] && jar=/tmp/mlb-base.jar
    echo "$v-$n start $(date +%T) load $(cat /proc/loadavg)" >> $out/loadavg.txt
    nice -n -20 tools/java -jar $jar --mode all > $out/$v-$n.txt 2>&1
    echo "$v-$n end $(date +%T) rc=$? load $(cat /proc/loadavg)" >> $out/loadavg.txt
  done
done
