import json,sys
d=sys.argv[1]; vs=sys.argv[2].split(',')
runs={}
for v in vs:
  for n in [1,2,3]:
    try:
      rs=json.load(open(f'{d}/actor-{v}-{n}.json'))
    except (FileNotFoundError, ValueError):
      continue
    runs[f'{v}-{n}']={r['benchmark'].split('.')[-1]:(r['primaryMetric']['score'],r.get('secondaryMetrics',{}).get('gc.alloc.rate.norm',{}).get('score')) for r in rs}
pairs=[('1:1 sync vs executor','raylite_sync','singleThreadExecutor_sync'),
       ('1:1 async vs executor','raylite_async','singleThreadExecutor_async'),
       ('concurrent vs 16 threads','raylite_concurrent','fixedThreadPool16_concurrent'),
       ('n:n vs executors','raylite_nToN','singleThreadExecutors_nToN')]
print('%-26s'%'row'+''.join('%10s'%k for k in runs))
for name,a,b in pairs:
  print('%-26s'%name+''.join('%10.3f'%(runs[k][a][0]/runs[k][b][0]) for k in runs))
print('%-26s'%'alloc B/op raylite_async'+''.join('%10.0f'%runs[k]['raylite_async'][1] for k in runs))
