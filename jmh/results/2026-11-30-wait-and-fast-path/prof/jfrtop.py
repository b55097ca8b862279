"""Counts JFR execution samples by thread group and top frame, and inclusive by frame.
Usage: jfr print --json --events jdk.ExecutionSample rec.jfr > s.json; python3 jfrtop.py s.json [top]"""
import json, re, sys, collections
d = json.load(open(sys.argv[1]))
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
events = d['recording']['events']
per_thread = collections.Counter(); top_frames = collections.Counter(); incl = collections.Counter()
def group(name):
    return re.sub(r'\d+', 'N', name)[:24]
for e in events:
    v = e['values']
    t = group((v.get('sampledThread') or {}).get('javaName') or '?')
    frames = (v.get('stackTrace') or {}).get('frames') or []
    per_thread[t] += 1
    if not frames:
        continue
    f0 = frames[0]['method']
    top_frames[(t, f0['type']['name'].replace('/', '.') + '.' + f0['name'])] += 1
    seen = set()
    for f in frames:
        m = f['method']['type']['name'].replace('/', '.') + '.' + f['method']['name']
        if m.startswith('io.raylite') and m not in seen:
            seen.add(m); incl[(t, m)] += 1
print('samples per thread:', per_thread.most_common())
print('-- top frames')
for (t, m), c in top_frames.most_common(top):
    print('%6d  %-24s %s' % (c, t, m))
print('-- inclusive, io.raylite frames')
for (t, m), c in incl.most_common(top):
    print('%6d  %-24s %s' % (c, t, m))
