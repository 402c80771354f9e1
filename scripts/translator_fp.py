"""Count lines flagged per translator-grade check (issue 15) in mtqa check -f json reports: python scripts/translator_fp.py REPORT.json..."""
import json
import sys
import collections
NEW = ["placeholders", "urls-handles", "punctuation", "spacing", "capitals", "target-consistency", "rules"]
for path in sys.argv[1:]:
    d = json.load(open(path))
    docs = d if isinstance(d, list) else d.get("articles", [d])
    flags = [f for doc in docs for f in doc.get("flags", [])] if "flags" in (docs[0] if docs else {}) else d["flags"]
    per = collections.defaultdict(lambda: collections.defaultdict(set))
    for f in flags:
        if f["check"] in NEW:
            per[f["check"]][f["severity"]].add(f["line"])
    major_all = set()
    for c in NEW:
        m = per[c]["major"] | per[c]["critical"]
        major_all |= m
        print(f"{path.split('/')[-1]} {c:20s} major-lines={len(m):4d} minor-lines={len(per[c]['minor']):4d}")
    print("ALL new at major:", len(major_all))
