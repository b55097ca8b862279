import json,sys
d=sys.argv[1]; vs=sys.argv[2].split(',')
runs={}
for v in vs:
  for n in [1,2,3,4,5]:
    res={}
    try:
      rs=json.load(open(f'{d}/{v}-{n}.json'))
    except (FileNotFoundError, ValueError):
      continue
    for r in rs:
      b=r['benchmark'].split('.')[-2]+'.'+r['benchmark'].split('.')[-1]
      res[b]=(r['primaryMetric']['score'], r.get('secondaryMetrics',{}).get('gc.alloc.rate.norm',{}).get('score'))
    runs[f'{v}-{n}']=res
pairs=[('async vs FJP','TaskBenchmark.raylite_async','TaskBenchmark.forkJoinPool_async',1),
       ('1k tasks+get vs allOf','BatchBenchmark.raylite_tasksAndGetBatch','BatchBenchmark.completableFuture_tasksAndAllOf',1),
       ('wait1k vs anyOf','BatchBenchmark.raylite_wait1kRefs','BatchBenchmark.completableFuture_anyOf1k',1),
       ('nested fib20 time x','NestedBenchmark.raylite_nestedGets','NestedBenchmark.forkJoinPool_recursiveTask',0)]
print('%-24s'%'row'+''.join('%10s'%k for k in runs))
for name,a,b,thr in pairs:
  print('%-24s'%name+''.join('%10.3f'%(runs[k][a][0]/runs[k][b][0]) for k in runs))
print('alloc B/op raylite_async  '+''.join('%10.0f'%runs[k]['TaskBenchmark.raylite_async'][1] for k in runs))
print('alloc B/op nested(fib20)  '+''.join('%10.0f'%runs[k]['NestedBenchmark.raylite_nestedGets'][1] for k in runs))
print('alloc B/op batch(1k)      '+''.join('%10.0f'%runs[k]['BatchBenchmark.raylite_tasksAndGetBatch'][1] for k in runs))
