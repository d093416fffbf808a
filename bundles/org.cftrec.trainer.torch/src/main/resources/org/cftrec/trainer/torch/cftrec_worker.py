"""CFTRec's torchrun worker: the CFT training step on PyTorch distributed.

Launched by the `torchrun` trainer plugin as `torchrun ... cftrec_worker.py <work folder>`. The folder holds what
the runtime prepared: job.json (hyper-parameters, objective, example order per epoch, paths), train.jsonl and
valid.jsonl (token ids and weights per example) and the starting checkpoint in the Hugging Face layout. The
worker mirrors the runtime's DJL trainer: the same decoder (Llama / Qwen2 conventions), the same objective
(L_n + alpha L_c with the token weights and their scope, both branches in the graph), AdamW with warm-up and
schedule, accumulation, global-norm clipping, validation of L_n, early stopping, best and last checkpoints and
exact resume. Data parallel: micro-batch i of a step runs on rank i mod world size and gradients are summed
across ranks, so every rank takes the same optimiser step. With sharding "none" (DDP) every rank keeps all
gradients and AdamW moments; with "optimizer" (ZeRO stage 2) each weight has one owning rank, which alone receives
its summed gradient, keeps its moments and updates it, then sends the new values to the others. Rank 0 prints one JSON object per line
on stdout (events the plugin turns into metrics.jsonl and progress); nothing else goes to stdout.
"""
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

MASKED = -1e9


# ---- safetensors (the format is a little-endian header length, a JSON header, then raw tensors) ----

def read_safetensors(path):
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        raw = data[start:end]
        if meta["dtype"] == "F32":
            array = np.frombuffer(raw, dtype="<f4")
        elif meta["dtype"] == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif meta["dtype"] == "F16":
            array = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        else:
            raise ValueError(f"{path}: tensor {name} has dtype {meta['dtype']}; F32, BF16 or F16 expected")
        tensors[name] = torch.from_numpy(array.copy()).reshape(meta["shape"])
    return tensors


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, tensor in tensors.items():
        blob = tensor.detach().to(torch.float32).cpu().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(len(encoded).to_bytes(8, "little"))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


# ---- the decoder (Hugging Face Llama / Qwen2 conventions) ----

class Decoder:
    def __init__(self, config, weights, device):
        self.hidden = config["hidden_size"]
        self.heads = config["num_attention_heads"]
        self.kv_heads = config.get("num_key_value_heads", self.heads)
        self.layers = config["num_hidden_layers"]
        self.eps = config.get("rms_norm_eps", 1e-6)
        self.head_size = self.hidden // self.heads
        self.tied = config.get("tie_word_embeddings", False)
        theta = config.get("rope_theta", 10000.0)
        half = self.head_size // 2
        self.inverse_frequencies = torch.tensor(
            [1.0 / math.pow(theta, (2.0 * i) / self.head_size) for i in range(half)], dtype=torch.float32,
            device=device)
        self.weights = {name: w.to(device).requires_grad_(True) for name, w in weights.items()}

    def w(self, name):
        return self.weights.get(name)

    def rms_norm(self, x, weight):
        return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * weight

    def linear(self, x, prefix):
        y = x.matmul(self.w(prefix + ".weight").t())
        bias = self.w(prefix + ".bias")
        return y if bias is None else y + bias

    def rotary(self, positions):
        angles = positions.to(torch.float32).unsqueeze(2) * self.inverse_frequencies.reshape(1, 1, -1)
        full = torch.cat([angles, angles], 2).unsqueeze(2)  # [B, T, 1, d]
        return full.cos(), full.sin()

    @staticmethod
    def apply_rotary(x, cos, sin):
        first, second = x.chunk(2, dim=3)
        return x * cos + torch.cat([-second, first], 3) * sin

    def hidden_states(self, tokens, positions, mask):
        batch, length = tokens.shape
        x = self.w("model.embed_tokens.weight")[tokens]
        cos, sin = self.rotary(positions)
        causal = torch.triu(torch.full((length, length), MASKED, device=tokens.device), diagonal=1)
        bias = causal.reshape(1, 1, length, length) + (1 - mask.to(torch.float32)).mul(MASKED).reshape(
            batch, 1, 1, length)
        groups = self.heads // self.kv_heads
        for layer in range(self.layers):
            p = f"model.layers.{layer}."
            h = self.rms_norm(x, self.w(p + "input_layernorm.weight"))
            q = self.linear(h, p + "self_attn.q_proj").reshape(batch, length, self.heads, self.head_size)
            k = self.linear(h, p + "self_attn.k_proj").reshape(batch, length, self.kv_heads, self.head_size)
            v = self.linear(h, p + "self_attn.v_proj").reshape(batch, length, self.kv_heads, self.head_size)
            q = (self.apply_rotary(q, cos, sin) * (1.0 / math.sqrt(self.head_size))).transpose(1, 2)
            k = self.apply_rotary(k, cos, sin).transpose(1, 2)
            v = v.transpose(1, 2)
            if groups > 1:  # each key/value head serves `groups` consecutive query heads
                k = k.repeat_interleave(groups, dim=1)
                v = v.repeat_interleave(groups, dim=1)
            attended = torch.softmax(q.matmul(k.transpose(2, 3)) + bias, dim=3).matmul(v)
            x = x + self.linear(attended.transpose(1, 2).reshape(batch, length, self.hidden), p + "self_attn.o_proj")
            h2 = self.rms_norm(x, self.w(p + "post_attention_layernorm.weight"))
            gate = self.linear(h2, p + "mlp.gate_proj")
            x = x + self.linear(gate * torch.sigmoid(gate) * self.linear(h2, p + "mlp.up_proj"), p + "mlp.down_proj")
        return self.rms_norm(x, self.w("model.norm.weight"))

    def vocabulary_logits(self, hidden):
        head = self.w("model.embed_tokens.weight") if self.tied else self.w("lm_head.weight")
        return hidden.matmul(head.t())


# ---- the CFT objective, as the runtime's CftLoss and PairedBatch compute it ----

def target_logits(model, rows, targets, pad, device):
    """Left-padded teacher-forced rows (prompt + target without its last token); logits at the target positions."""
    width = max(len(r) for r in rows)
    tokens = torch.full((len(rows), width), pad, dtype=torch.long)
    positions = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    picks = []
    for r, row in enumerate(rows):
        offset = width - len(row)
        tokens[r, offset:] = torch.tensor(row, dtype=torch.long)
        positions[r, offset:] = torch.arange(len(row))
        mask[r, offset:] = 1
        n = len(targets[r])
        picks.extend(r * width + width - n + k for k in range(n))
    hidden = model.hidden_states(tokens.to(device), positions.to(device), mask.to(device))
    at = hidden.reshape(len(rows) * width, -1)[torch.tensor(picks, dtype=torch.long, device=device)]
    return model.vocabulary_logits(at)


def cross_entropy(logits, labels):
    return -torch.log_softmax(logits, dim=1).gather(1, labels.reshape(-1, 1)).reshape(-1)


def weighted_mean(values, weights):
    return (values * weights).sum() / weights.sum()


def cft_loss(model, examples, alpha, scope, pad, device, autocast):
    targets = [e["t"] for e in examples]
    labels = torch.tensor([t for e in examples for t in e["t"]], dtype=torch.long, device=device)
    weights = torch.tensor([w for e in examples for w in e["w"]], dtype=torch.float32, device=device)
    with autocast():
        factual_logits = target_logits(model, [e["f"] + e["t"][:-1] for e in examples], targets, pad, device)
        counterfactual_logits = None if alpha == 0 else target_logits(
            model, [e["c"] + e["t"][:-1] for e in examples], targets, pad, device)
    factual_logits = factual_logits.float()
    factual_ce = cross_entropy(factual_logits, labels)
    factual = weighted_mean(factual_ce, weights) if scope == "BOTH" else factual_ce.mean()
    if counterfactual_logits is None:
        return factual, factual, torch.zeros((), device=device)
    counterfactual = weighted_mean(cross_entropy(factual_logits - counterfactual_logits.float(), labels), weights)
    return factual + counterfactual * alpha, factual, counterfactual


# ---- optimiser and schedule, as the DJL trainer's AdamW and LearningRate ----

class AdamW:
    """AdamW over the weights this rank owns (all of them unless the optimiser state is sharded)."""

    def __init__(self, params, weights, owned):
        self.p = params
        self.t = 0
        self.owned = owned
        self.m = {n: torch.zeros_like(weights[n]) for n in owned}
        self.v = {n: torch.zeros_like(weights[n]) for n in owned}

    @torch.no_grad()
    def step(self, weights, lr):
        self.t += 1
        b1, b2 = self.p["beta1"], self.p["beta2"]
        correction1 = 1 - b1 ** self.t
        correction2 = 1 - b2 ** self.t
        for name in self.owned:
            w = weights[name]
            g = w.grad
            self.m[name].mul_(b1).add_(g * (1 - b1))
            self.v[name].mul_(b2).add_(g.square() * (1 - b2))
            update = (self.m[name] / correction1) / ((self.v[name] / correction2).sqrt() + self.p["epsilon"])
            if self.p["weightDecay"] > 0:
                update = update + w * self.p["weightDecay"]
            w.sub_(update * lr)


def learning_rate(step, total, p):
    if p["warmupSteps"] > 0 and step <= p["warmupSteps"]:
        return p["lr"] * step / p["warmupSteps"]
    progress = min(1.0, (step - p["warmupSteps"]) / max(1, total - p["warmupSteps"]))
    if p["schedule"] == "LINEAR":
        return p["lr"] * (1 - progress)
    if p["schedule"] == "COSINE":
        return p["lr"] * 0.5 * (1 + math.cos(math.pi * progress))
    return p["lr"]


# ---- where gradients and optimiser state live ----

class Replicated:
    """DDP: every rank sums all gradients (all-reduce) and updates every weight itself."""

    def __init__(self, weights, world):
        self.world = world
        self.owned = list(weights)

    def describe(self):
        return f"{self.world} worker(s), optimizer state replicated (DDP)"

    def reduce_gradients(self, weights):
        for w in weights.values():
            if self.world > 1:
                dist.all_reduce(w.grad, op=dist.ReduceOp.SUM)

    def squared_norm(self, weights):
        return sum(float(weights[n].grad.double().square().sum()) for n in self.owned)

    def share_updates(self, weights):
        pass

    def full_moments(self, optimizer, weights, rank):
        return optimizer.m, optimizer.v


class OptimizerSharded:
    """ZeRO stage 2: each weight has one owner (largest first, to the least loaded rank), which alone receives
    the weight's summed gradient (reduce), keeps its AdamW moments and updates it, then broadcasts the new values.
    A rank holds the gradients and moments of about 1/world of the parameters once a step's gradients are reduced."""

    def __init__(self, weights, world, rank):
        self.world, self.rank = world, rank
        load = [0] * world
        self.owner = {}
        for name in sorted(weights, key=lambda n: (-weights[n].numel(), n)):
            chosen = min(range(world), key=lambda r: (load[r], r))
            self.owner[name] = chosen
            load[chosen] += weights[name].numel()
        self.owned = [n for n in weights if self.owner[n] == rank]
        self.load = load

    def describe(self):
        return (f"{self.world} workers, optimizer state sharded (ZeRO-2): parameters per worker "
                f"{', '.join(str(n) for n in self.load)}")

    def reduce_gradients(self, weights):
        for name, w in weights.items():
            dist.reduce(w.grad, dst=self.owner[name], op=dist.ReduceOp.SUM)
            if self.owner[name] != self.rank:
                w.grad = None  # another rank's share: freed at once

    def squared_norm(self, weights):
        mine = torch.tensor([sum(float(weights[n].grad.double().square().sum()) for n in self.owned)],
                            dtype=torch.float64)
        dist.all_reduce(mine, op=dist.ReduceOp.SUM)
        return mine.item()

    @torch.no_grad()
    def share_updates(self, weights):
        for name, w in weights.items():
            dist.broadcast(w.data, src=self.owner[name])

    def full_moments(self, optimizer, weights, rank):
        """Every moment on rank 0 (the checkpoint holds them all, so a resume may use any world size)."""
        m, v = {}, {}
        for name in sorted(self.owner):
            owner = self.owner[name]
            for mine, full in ((optimizer.m, m), (optimizer.v, v)):
                if owner == 0:
                    if rank == 0:
                        full[name] = mine[name]
                elif rank == owner:
                    dist.send(mine[name], dst=0)
                elif rank == 0:
                    full[name] = torch.empty_like(weights[name].data)
                    dist.recv(full[name], src=owner)
        return m, v


# ---- checkpoints: the Hugging Face layout plus the optimiser's moments and the trainer's state ----

def save_checkpoint(folder, model, optimizer, state, config_file, rank, placement):
    """Called on every rank (gathering sharded moments is collective); rank 0 writes."""
    moments = None if optimizer is None else placement.full_moments(optimizer, model.weights, rank)
    if rank != 0:
        return
    temporary = folder + ".tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    os.makedirs(temporary)
    write_safetensors(os.path.join(temporary, "model.safetensors"), model.weights)
    shutil.copyfile(config_file, os.path.join(temporary, "config.json"))
    if moments is not None:
        torch.save({"t": optimizer.t, "m": moments[0], "v": moments[1]}, os.path.join(temporary, "optimizer.pt"))
    with open(os.path.join(temporary, "trainer_state.json"), "w") as f:
        json.dump(state, f)
    previous = folder + ".old"
    shutil.rmtree(previous, ignore_errors=True)
    if os.path.isdir(folder):
        os.replace(folder, previous)
    os.replace(temporary, folder)
    shutil.rmtree(previous, ignore_errors=True)


def load_checkpoint(folder, model, optimizer):
    with torch.no_grad():
        for name, w in read_safetensors(os.path.join(folder, "model.safetensors")).items():
            model.weights[name].copy_(w)
    if optimizer is not None and os.path.exists(os.path.join(folder, "optimizer.pt")):
        saved = torch.load(os.path.join(folder, "optimizer.pt"))
        optimizer.t = saved["t"]
        optimizer.m = {n: saved["m"][n] for n in optimizer.owned}
        optimizer.v = {n: saved["v"][n] for n in optimizer.owned}
    with open(os.path.join(folder, "trainer_state.json")) as f:
        return json.load(f)


# ---- the loop ----

def emit(rank, event, **fields):
    if rank == 0:
        print(json.dumps({"event": event, **fields}), flush=True)


def read_examples(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(work):
    with open(os.path.join(work, "job.json")) as f:
        job = json.load(f)
    dist.init_process_group(backend=job["backend"])
    rank, world = dist.get_rank(), dist.get_world_size()
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(f"cuda:{local}") if job["device"] == "cuda" else torch.device("cpu")
    if job["threads"] > 0:
        torch.set_num_threads(job["threads"])
    torch.manual_seed(job["seed"])
    use_bf16 = job["bf16"] and device.type == "cuda"

    def autocast():
        return torch.autocast("cuda", dtype=torch.bfloat16) if use_bf16 else torch.autocast("cpu", enabled=False)

    p, objective = job["params"], job["objective"]
    start = job["model"]
    with open(os.path.join(start, "config.json")) as f:
        config = json.load(f)
    model = Decoder(config, read_safetensors(os.path.join(start, "model.safetensors")), device)
    placement = OptimizerSharded(model.weights, world, rank) if job["sharding"] == "optimizer" and world > 1 \
        else Replicated(model.weights, world)
    optimizer = AdamW(p, model.weights, placement.owned)
    emit(rank, "message", text=placement.describe())
    train, valid = read_examples(os.path.join(work, "train.jsonl")), read_examples(os.path.join(work, "valid.jsonl"))
    if p["maxValidation"] > 0:
        valid = valid[:p["maxValidation"]]
    last, best = os.path.join(job["checkpoints"], "last"), os.path.join(job["checkpoints"], "best")
    config_file = os.path.join(start, "config.json")
    state = {"step": 0, "bestStep": 0, "bestLoss": float("inf"), "validationsSinceBest": 0}
    if job["resumeFrom"]:
        state = load_checkpoint(job["resumeFrom"], model, optimizer)
        emit(rank, "message", text=f"resumed from {job['resumeFrom']} at step {state['step']}")
    total, per_epoch, eval_every = job["totalSteps"], job["stepsPerEpoch"], job["evalEvery"]
    per_step = p["microBatch"] * p["accumulation"]
    reason, early = f"completed {total} steps", False
    while state["step"] < total:
        stop = torch.tensor([1 if os.path.exists(job["stopFile"]) else 0])
        if world > 1:  # every rank stops at the same step, even if one sees the file later
            dist.all_reduce(stop, op=dist.ReduceOp.MAX)
        if stop.item():
            save_checkpoint(last, model, optimizer, state, config_file, rank, placement)
            reason, early = f"stop requested at step {state['step']}; checkpoint {last}", True
            break
        step = state["step"] + 1
        epoch = (step - 1) // per_epoch
        order = job["orders"][epoch]
        begin = ((step - 1) % per_epoch) * per_step
        end = min(begin + per_step, len(order))
        batches = [order[i:min(i + p["microBatch"], end)] for i in range(begin, end, p["microBatch"])]
        started = time.time()
        for w in model.weights.values():
            w.grad = None
        sums = torch.zeros(3, dtype=torch.float64)
        for index in range(rank, len(batches), world):
            total_loss, factual, counterfactual = cft_loss(model, [train[i] for i in batches[index]],
                                                           objective["alpha"], objective["weightScope"],
                                                           job["padId"], device, autocast)
            if not math.isfinite(total_loss.item()):
                raise RuntimeError(f"loss is {total_loss.item()} at step {step} (micro-batch {index + 1}); "
                                   f"training stopped; last checkpoint: {last if os.path.isdir(last) else 'none'}")
            (total_loss / len(batches)).backward()
            sums += torch.tensor([total_loss.item(), factual.item(), counterfactual.item()], dtype=torch.float64)
        for w in model.weights.values():  # ranks without a micro-batch this step still take part
            if w.grad is None:
                w.grad = torch.zeros_like(w)
        placement.reduce_gradients(model.weights)
        if world > 1:
            dist.all_reduce(sums, op=dist.ReduceOp.SUM)
        sums /= len(batches)
        norm = math.sqrt(placement.squared_norm(model.weights))
        if not math.isfinite(norm):
            raise RuntimeError(f"gradient norm is {norm}; training stopped")
        if p["clipNorm"] > 0 and norm > p["clipNorm"]:
            for name in placement.owned:
                model.weights[name].grad.mul_(p["clipNorm"] / norm)
        lr = learning_rate(step, total, p)
        optimizer.step(model.weights, lr)
        placement.share_updates(model.weights)
        state["step"] = step
        emit(rank, "step", step=step, totalSteps=total, epoch=epoch + 1, loss=sums[0].item(),
             factualLoss=sums[1].item(), counterfactualLoss=sums[2].item(), learningRate=lr, gradientNorm=norm,
             examplesPerSecond=(end - begin) / max(time.time() - started, 1e-9))
        if step % eval_every == 0 or step == total:
            if not valid:
                state.update(bestStep=step, bestLoss=float("nan"), validationsSinceBest=0)
                save_checkpoint(best, model, optimizer, state, config_file, rank, placement)
            else:
                loss = validation_loss(model, valid, p["microBatch"], objective, job["padId"], device, rank, world,
                                       autocast)
                improved = loss < state["bestLoss"]
                if improved:
                    state.update(bestStep=step, bestLoss=loss, validationsSinceBest=0)
                    save_checkpoint(best, model, optimizer, state, config_file, rank, placement)
                else:
                    state["validationsSinceBest"] += 1
                emit(rank, "validation", step=step, epoch=epoch + 1, factualLoss=loss, improved=improved)
            save_checkpoint(last, model, optimizer, state, config_file, rank, placement)
            if p["patience"] > 0 and state["validationsSinceBest"] >= p["patience"]:
                reason = (f"early stop at step {step}: validation L_n did not improve for "
                          f"{state['validationsSinceBest']} validation(s); best at step {state['bestStep']}")
                early = True
                break
    if state["bestStep"] > 0 and state["bestStep"] != state["step"] and os.path.isdir(best):
        load_checkpoint(best, model, None)
        emit(rank, "message", text=f"restored the best weights (step {state['bestStep']})")
    trained = os.path.join(work, "trained")
    save_checkpoint(trained, model, None, state, config_file, rank, placement)
    emit(rank, "done", steps=state["step"], bestStep=state["bestStep"], bestLoss=state["bestLoss"],
         bestCheckpoint=best if os.path.isdir(best) else last, stoppedEarly=early, reason=reason, model=trained)
    dist.barrier()
    dist.destroy_process_group()


@torch.no_grad()
def validation_loss(model, valid, micro_batch, objective, pad, device, rank, world, autocast):
    sums = torch.zeros(1, dtype=torch.float64)
    batches = [list(range(i, min(i + micro_batch, len(valid)))) for i in range(0, len(valid), micro_batch)]
    for index in range(rank, len(batches), world):
        _, factual, _ = cft_loss(model, [valid[i] for i in batches[index]], 0, objective["weightScope"], pad, device,
                                 autocast)
        sums += factual.item() * len(batches[index])
    if world > 1:
        dist.all_reduce(sums, op=dist.ReduceOp.SUM)
    return sums.item() / len(valid)


if __name__ == "__main__":
    main(sys.argv[1])
