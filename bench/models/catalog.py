"""Which models the benchmark knows, where their ONNX files and inputs live in the cache."""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
# Exported models are hundreds of MB and are rebuilt from fixed seeds, so they are never committed.
DEFAULT_CACHE = BENCH_DIR / ".cache"

# Every exported model uses this opset: new enough for LayerNormalization-free attention exports to
# be clean, old enough that every engine under test reads it.
EXPORT_OPSET = 17


@dataclass(frozen=True)
class ModelSpec:
    name: str
    source: str  # "torch": built by export_models.py; "light": shipped in the onnx package
    description: str


TORCH_MODELS = [
    ModelSpec("resnet50", "torch", "torchvision ResNet-50, 1x3x224x224"),
    ModelSpec("mobilenet_v2", "torch", "torchvision MobileNetV2, 1x3x224x224"),
    ModelSpec("vit_b_16", "torch", "torchvision ViT-B/16, 1x3x224x224"),
    ModelSpec("bert_base", "torch", "transformers BERT-base encoder, 1x128 tokens"),
    ModelSpec("gpt2_small", "torch", "transformers GPT-2 small LM forward, 1x128 tokens"),
]


def light_model_dir() -> Path | None:
    """The onnx package ships small real architectures whose weights are ConstantOfShape nodes."""
    try:
        import onnx
    except ImportError:
        return None
    d = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
    return d if d.is_dir() else None


def light_models() -> list[ModelSpec]:
    d = light_model_dir()
    if d is None:
        return []
    names = sorted(Path(p).stem for p in glob.glob(str(d / "light_*.onnx")))
    return [ModelSpec(n, "light", f"onnx package {n}.onnx, 1x3x224x224") for n in names]


def all_models() -> list[ModelSpec]:
    return TORCH_MODELS + light_models()


def cache_dir(override: str | None = None) -> Path:
    return Path(override or os.environ.get("ONYXRT_BENCH_CACHE") or DEFAULT_CACHE)


def model_path(cache: Path, name: str) -> Path:
    return cache / f"{name}.onnx"


def inputs_path(cache: Path, name: str) -> Path:
    return cache / f"{name}.inputs.npz"


def select(names: str | None) -> list[ModelSpec]:
    """Models named in a comma list ('all', 'torch' and 'light' are groups); unknown names fail."""
    models = all_models()
    if not names or names == "all":
        return models
    by_name = {m.name: m for m in models}
    chosen: list[ModelSpec] = []
    for token in names.split(","):
        token = token.strip()
        if token in ("torch", "light"):
            chosen += [m for m in models if m.source == token]
        elif token in by_name:
            chosen.append(by_name[token])
        else:
            raise SystemExit(f"unknown model '{token}'; known: {', '.join(by_name)}, torch, light, all")
    return list(dict.fromkeys(chosen))
