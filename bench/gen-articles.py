#!/usr/bin/env python3
"""gen-articles.py N DIR: writes N Markdown articles with front matter, with
realistic lengths, headings, lists, links and tags, for import and build
benchmarks. Deterministic: the same N gives the same files."""
import os
import random
import sys

WORDS = ("china kazakhstan security cooperation unrest fuel price protest government "
         "minister foreign ministry police region border energy import project "
         "analyst report agency statement troops alliance election parliament economy "
         "market inflation currency bank trade export pipeline gas oil city capital "
         "president official spokesperson week monday tuesday wednesday thursday").split()
TAGS = ["Kazakhstan", "China", "Central Asia", "Energy", "Politics", "Economy", "Russia",
        "Security", "Trade", "Protests", "Elections", "Diplomacy"]


def sentence(r):
    w = [r.choice(WORDS) for _ in range(r.randint(8, 20))]
    w[0] = w[0].capitalize()
    return " ".join(w) + "."


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    r = random.Random(42)
    for i in range(n):
        title = " ".join(r.choice(WORDS) for _ in range(r.randint(4, 9))).capitalize() + " %d" % i
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 2015 + (i // 336) % 10
        tags = r.sample(TAGS, r.randint(1, 4))
        paras = []
        for p in range(r.randint(4, 9)):
            if p == 3:
                paras.append("## " + sentence(r)[:-1])
            paras.append(" ".join(sentence(r) for _ in range(r.randint(2, 5))))
        paras.append("- " + sentence(r) + "\n- " + sentence(r) + "\n- [a link](https://example.com/%d)" % i)
        with open(os.path.join(out, "a%06d.md" % i), "w") as f:
            f.write("---\ntitle: %s\nslug: article-%d\ndate: %04d-%02d-%02dT%02d:%02d:00Z\nauthor: Reporter %d\n"
                    "tags: [%s]\n---\n\n%s\n" % (title, i, year, month, day, i % 24, i % 60, i % 7,
                                                ", ".join(tags), "\n\n".join(paras)))


main()
