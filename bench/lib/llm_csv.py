#!/usr/bin/env python3
"""Prints the number in the Aggregated row of a PREFIX_llm_stats.csv whose column header
matches every regex given (case-insensitive). Usage: llm_csv.py FILE REGEX [REGEX...]"""
import csv
import re
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
row = next((r for r in rows if r.get("Name") == "Aggregated"), None)
if row is None:
    sys.exit("no Aggregated row in " + sys.argv[1])
patterns = [re.compile(p, re.I) for p in sys.argv[2:]]
for key, value in row.items():
    if all(p.search(key) for p in patterns):
        print(float(value.rstrip("%")))
        break
else:
    sys.exit("no column matching " + " ".join(sys.argv[2:]))
