#!/usr/bin/env python3
"""Summarises a study: runs of one spec over seeds, read from their run folders.

    python3 bench/study.py runs/<id-seed1> runs/<id-seed2> runs/<id-seed3> [--protocol d3] [--k 10]

Prints, per variant and history mode, HR@K and NDCG@K as mean +- sample std over the runs, the references
(popularity, item-kNN) the runs scored on the same cases, the epochs each variant trained and why it stopped,
and for every variant against sft (and against each reference that wrote references/<name>-ranks.jsonl, e.g.
sasrec) the per-seed paired difference with a 95 % paired bootstrap interval over test users (each resample
draws users with replacement and takes both models' scores on the same users).
Only the standard library: it reads results.json and the predictions-<protocol>-<mode>.jsonl files.
"""
import argparse
import json
import math
import os
import random
import statistics


def per_user(path, k):
    """user -> (hit@k, ndcg@k) from a predictions file; target_rank is 1-based, 0 when the target is absent."""
    scores = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            rank = row["target_rank"]
            hit = 1.0 if 1 <= rank <= k else 0.0
            scores[row["user"]] = (hit, 1.0 / math.log2(rank + 1) if hit else 0.0)
    return scores


def bootstrap(a, b, users, resamples, seed):
    """95 % interval of mean(a - b) over users drawn with replacement; a and b map user -> score."""
    rng = random.Random(seed)
    diffs = [a[u] - b[u] for u in users]
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    return sum(diffs) / n, means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


def steps_per_epoch(run, variant):
    """Optimiser steps of one epoch: the training examples over the examples of a step (the variant's trainer)."""
    spec = json.load(open(os.path.join(run, "spec.json"), encoding="utf-8"))
    trainer = next((v.get("trainer") for v in spec.get("variants", []) if v["name"] == variant and v.get("trainer")),
                   None) or spec.get("trainer") or {}
    params = trainer.get("params", {})
    params = params.get("training", params)  # torchrun nests the optimisation parameters
    per_step = params.get("microBatch", 16) * params.get("accumulation", 4)
    train = json.load(open(os.path.join(run, "dataset.json"), encoding="utf-8"))["statistics"]["examplesPerSplit"]["train"]
    return math.ceil(train / per_step)


def mean_std(values):
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="run folders of one spec, one per seed")
    parser.add_argument("--protocol", default="d3")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--baseline", default="sft", help="the variant the others are compared with")
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    k = args.k
    results = [json.load(open(os.path.join(r, "results.json"), encoding="utf-8")) for r in args.runs]
    seeds = [r["seed"] for r in results]
    # the variants every run has (a study may add seeds for some variants only)
    variants = [v for v in results[0]["variants"] if all(v in r["variants"] for r in results)]
    print(f"runs: {len(results)} (seeds {', '.join(map(str, seeds))}), dataset {results[0]['dataset']}, "
          f"protocol {args.protocol}, K = {k}\n")

    print(f"| variant | history | cases | HR@{k} | NDCG@{k} | epochs | stopped |")
    print("|---|---|---|---|---|---|---|")
    for variant in variants:
        modes = results[0]["variants"][variant]["evaluation"][args.protocol]
        for mode in modes:
            hr = [r["variants"][variant]["evaluation"][args.protocol][mode][f"HR@{k}"] for r in results]
            ndcg = [r["variants"][variant]["evaluation"][args.protocol][mode][f"NDCG@{k}"] for r in results]
            cases = results[0]["variants"][variant]["evaluation"][args.protocol][mode]["cases"]
            training = [r["variants"][variant]["training"] for r in results]
            epochs = "/".join(f"{t['steps'] / steps_per_epoch(run, variant):.1f}" for t, run in zip(training, args.runs))
            stopped = "early" if all(t["stoppedEarly"] for t in training) else "/".join(
                "early" if t["stoppedEarly"] else "budget" for t in training)
            print(f"| {variant} | {mode} | {cases} | {mean_std(hr)} | {mean_std(ndcg)} | {epochs} | {stopped} |")
    for reference in results[0]["references"]:
        name = reference["name"]
        hr = [next(x for x in r["references"] if x["name"] == name)["metrics"][f"HR@{k}"] for r in results]
        ndcg = [next(x for x in r["references"] if x["name"] == name)["metrics"][f"NDCG@{k}"] for r in results]
        print(f"| ({name}) | - | same | {mean_std(hr)} | {mean_std(ndcg)} | - | - |")

    print(f"\nPaired differences (factual history) to {args.baseline}, or to the reference named after '-', per seed:"
          " mean [95 % bootstrap interval]")
    print(f"| variant | seed | ΔHR@{k} | ΔNDCG@{k} |")
    print("|---|---|---|---|")
    def predictions(run, variant):
        return os.path.join(run, "variants", variant, f"predictions-{args.protocol}-factual.jsonl")

    def reference_ranks(name):
        return lambda run: os.path.join(run, "references", f"{name}-ranks.jsonl")

    # (variant, row label, file of what it is compared with in a run): every variant against the baseline variant,
    # then against each reference that wrote its ranks per case
    comparisons = [(variant, variant, lambda run: predictions(run, args.baseline)) for variant in variants
                   if variant != args.baseline and args.baseline in variants]
    for reference in (r["name"] for r in results[0]["references"]):
        if all(os.path.exists(reference_ranks(reference)(run)) for run in args.runs):
            comparisons += [(variant, f"{variant} - ({reference})", reference_ranks(reference)) for variant in variants]
    for variant, label, base_file in comparisons:
        for run, seed in zip(args.runs, seeds):
            mine = per_user(predictions(run, variant), k)
            base = per_user(base_file(run), k)
            users = sorted(set(mine) & set(base))
            cells = []
            for metric in (0, 1):
                m, lo, hi = bootstrap({u: mine[u][metric] for u in users}, {u: base[u][metric] for u in users},
                                      users, args.resamples, seed)
                cells.append(f"{m:+.4f} [{lo:+.4f}, {hi:+.4f}]")
            print(f"| {label} | {seed} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
