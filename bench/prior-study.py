#!/usr/bin/env python3
"""The paper's premise at small scale (issue #29, item 6): does CFT help where the backbone has a prior?

    CFTREC_DATA_ROOTS=../shared/datasets python3 bench/prior-study.py SPEC [--seed 1] [--prior-epochs 5]
        [--cftrec distribution/target/assembly/bin/cftrec] [--runs runs]

SPEC is a study spec over item codes (e.g. specs/amazon-scientific-codes.json). Three runs of it, same seed:
  1. prior:   the backbone trained on the targets alone (objective.history removed, alpha 0, selected by validation
              L_n on the same examples): it learns which items are bought, not what follows what;
  2. primed:  sft and cft fine-tuned from that model (backbone.params.path = the prior run's model/);
  3. scratch: sft and cft from a new random model, as SPEC has it.
Then bench/study.py compares sft and cft within each setting (paired bootstrap over test users). The specs it runs
are written beside the runs (runs/prior-study-<seed>/*.json), so each row can be rerun by hand.
Only the standard library.
"""
import argparse
import copy
import glob
import json
import os
import subprocess
import sys


def run(cftrec, runs, spec_file, seed):
    """Runs a spec with bin/cftrec; returns the new run folder."""
    name = json.load(open(spec_file, encoding="utf-8"))["name"]
    before = set(glob.glob(os.path.join(runs, f"*-{name}")))
    env = dict(os.environ, CFTREC_RUNS=os.path.abspath(runs))
    subprocess.run([cftrec, "run", "--seed", str(seed), spec_file], check=True, env=env)
    created = sorted(set(glob.glob(os.path.join(runs, f"*-{name}"))) - before)
    if len(created) != 1:
        sys.exit(f"expected one new run folder for {name} in {runs}, found {created}")
    return created[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prior-epochs", type=int, default=5)
    parser.add_argument("--cftrec", default="distribution/target/assembly/bin/cftrec")
    parser.add_argument("--runs", default="runs")
    args = parser.parse_args()
    base = json.load(open(args.spec, encoding="utf-8"))
    variants = [v for v in base["variants"] if v["name"] in ("sft", "cft")]
    base.pop("references", None)  # the references do not depend on the backbone: the scratch run of SPEC has them
    folder = os.path.join(args.runs, f"prior-study-{args.seed}")
    os.makedirs(folder, exist_ok=True)

    def setting(label, variant_list, **changes):
        """Writes the base spec with these variants and changes as runs/prior-study-<seed>/<label>.json, runs it."""
        spec = copy.deepcopy(base)
        spec.update(name=f"{base['name']}-{label}", variants=variant_list, **changes)
        spec_file = os.path.join(folder, f"{label}.json")
        json.dump(spec, open(spec_file, "w", encoding="utf-8"), indent=2)
        return run(args.cftrec, args.runs, spec_file, args.seed)

    prior_trainer = copy.deepcopy(base["trainer"])
    prior_trainer["params"].update(epochs=args.prior_epochs, selectBy="loss", patience=1)
    prior_run = setting("prior", [{"name": "prior", "objective": {"alpha": 0, "history": "removed"},
                                   "weighting": {"plugin": "uniform"}}], trainer=prior_trainer,
                        evaluation=dict(base["evaluation"], historyModes=["factual", "removed"]))
    # the model path is relative to the data root (the working directory), which must hold the runs folder
    primed_run = setting("primed", variants, backbone={"plugin": "llama", "params": {"path": os.path.relpath(
        os.path.join(prior_run, "variants", "prior", "model"))}})
    scratch_run = setting("scratch", variants)

    study = os.path.join(os.path.dirname(os.path.abspath(__file__)), "study.py")
    for label, folder_run in (("prior", prior_run), ("primed", primed_run), ("scratch", scratch_run)):
        print(f"\n## {label}: {folder_run}\n", flush=True)
        subprocess.run([sys.executable, study, folder_run] + ([] if label != "prior" else ["--baseline", "prior"]),
                       check=True)


if __name__ == "__main__":
    main()
