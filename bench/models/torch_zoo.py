"""Builds the torch models of the benchmark with random weights from fixed seeds, and their inputs.

Nothing is downloaded: torchvision models use weights=None and transformers models are built from
their default configs (BERT-base, GPT-2 small), so each export is reproducible offline.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

SEQ_LEN = 128


@dataclass
class TorchExport:
    module: object  # torch.nn.Module in eval mode
    feeds: dict[str, np.ndarray]  # ONNX input name -> value, in the module's argument order
    output_names: list[str]


def _image_feed(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"input": rng.standard_normal((1, 3, 224, 224), dtype=np.float32)}


def _torchvision(builder_name: str) -> Callable[[int], TorchExport]:
    def build(seed: int) -> TorchExport:
        import torch
        import torchvision

        # nn.MultiheadAttention's eval-mode fast path (ViT) is one fused aten op that the
        # TorchScript exporter cannot write; the plain path exports as MatMul/Softmax.
        torch.backends.mha.set_fastpath_enabled(False)
        torch.manual_seed(seed)
        module = getattr(torchvision.models, builder_name)(weights=None).eval()
        # torchvision starts ViT's classification head at zero, so every engine's logits were
        # exactly 0 and the harness's output check compared nothing: random weights instead.
        with torch.no_grad():
            for p in module.parameters():
                if p.dim() >= 2 and not p.any():
                    torch.nn.init.normal_(p, std=0.02)
        return TorchExport(module, _image_feed(seed), ["logits"])

    return build


def _token_ids(seed: int, vocab_size: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, vocab_size, size=(1, SEQ_LEN), dtype=np.int64)


def _bert_base(seed: int) -> TorchExport:
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(seed)
    # Eager attention exports as plain MatMul/Softmax, which every engine reads.
    config = BertConfig(attn_implementation="eager")
    model = BertModel(config, add_pooling_layer=False).eval()

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids, return_dict=False)[0]

    feeds = {
        "input_ids": _token_ids(seed, config.vocab_size),
        "attention_mask": np.ones((1, SEQ_LEN), dtype=np.int64),
        "token_type_ids": np.zeros((1, SEQ_LEN), dtype=np.int64),
    }
    return TorchExport(Encoder().eval(), feeds, ["last_hidden_state"])


def _gpt2_small(seed: int) -> TorchExport:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    config = GPT2Config(attn_implementation="eager", use_cache=False)
    model = GPT2LMHeadModel(config).eval()

    class Forward(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids):
            # An explicit all-ones mask: without one, transformers looks for packed sequences in
            # the position ids with torch.diff, which the TorchScript exporter cannot write.
            mask = torch.ones_like(input_ids)
            return self.model(input_ids=input_ids, attention_mask=mask, use_cache=False, return_dict=False)[0]

    return TorchExport(Forward().eval(), {"input_ids": _token_ids(seed, config.vocab_size)}, ["logits"])


BUILDERS: dict[str, Callable[[int], TorchExport]] = {
    "resnet50": _torchvision("resnet50"),
    "mobilenet_v2": _torchvision("mobilenet_v2"),
    "vit_b_16": _torchvision("vit_b_16"),
    "bert_base": _bert_base,
    "gpt2_small": _gpt2_small,
}
