"""InferenceSession with onnxruntime's signature, over onyxrt._C.Session."""

from __future__ import annotations

import os

from . import _C
from . import _values
from .ortvalue import OrtValue


def _normalize_providers(providers, provider_options):
    """[(name, options)] from onnxruntime's two accepted forms: names (+ a parallel options list),
    or (name, options) tuples."""
    if providers is None:
        return []
    if isinstance(providers, str):
        providers = [providers]
    if provider_options is not None and len(provider_options) != len(providers):
        raise ValueError("'providers' and 'provider_options' should be the same length if both are given.")
    out = []
    for i, p in enumerate(providers):
        if isinstance(p, tuple):
            name, options = p
        else:
            name, options = p, (provider_options[i] if provider_options is not None else {})
        if not isinstance(name, str):
            raise ValueError(f"Only string values for a provider name are accepted, got {name!r}")
        out.append((name, {str(k): str(v) for k, v in (options or {}).items()}))
    return out


class InferenceSession:
    """Loads a model (a path or its serialized bytes) and runs it on the CPU."""

    def __init__(self, path_or_bytes, sess_options=None, providers=None, provider_options=None, **kwargs):
        self._model = path_or_bytes
        self._sess_options_given = sess_options
        self._kwargs = kwargs
        self._create(providers, provider_options)

    def _create(self, providers, provider_options):
        given = self._sess_options_given
        options = _C.SessionOptions(given) if given is not None else _C.SessionOptions()
        self._provider_options = {}
        for name, opts in _normalize_providers(providers, provider_options):
            options.add_provider(name, opts)
            self._provider_options[name] = opts
        disabled = self._kwargs.get("disabled_optimizers")
        if disabled:
            options.add_session_config_entry("optimization.disable_specified_optimizers", ",".join(disabled))
        model = self._model
        if isinstance(model, (str, os.PathLike)):
            self._sess = _C.Session(os.fspath(model), options)
        elif isinstance(model, (bytes, bytearray, memoryview)):
            self._model = bytes(model)  # kept alive: the session may read it in place
            self._sess = _C.Session(self._model, options)
        else:
            raise TypeError(f"Unable to load from type '{type(model)}'")
        self._input_types = {i.name: i.type for i in self._sess.inputs()}

    # Model description
    def get_inputs(self):
        return self._sess.inputs()

    def get_outputs(self):
        return self._sess.outputs()

    def get_overridable_initializers(self):
        return self._sess.overridable_initializers()

    def get_modelmeta(self):
        return self._sess.metadata()

    def get_providers(self):
        return self._sess.providers()

    def get_provider_options(self):
        return {p: dict(self._provider_options.get(p, {})) for p in self._sess.providers()}

    def get_session_options(self):
        return self._sess.options()

    def set_providers(self, providers=None, provider_options=None):
        """Re-creates the session with other providers, as onnxruntime does."""
        self._create(providers, provider_options)

    def end_profiling(self):
        return self._sess.end_profiling()

    # Running
    def _feeds(self, input_feed):
        if not isinstance(input_feed, dict):
            raise TypeError(f"input_feed must be a dict of input names to values, got {type(input_feed).__name__}")
        return [(name, _values.value_from_python(value, self._input_types.get(name, "")))
                for name, value in input_feed.items()]

    def _validate_input(self, feed_input_names):
        # onnxruntime checks this in Python and raises ValueError; users catch that class.
        missing = [i.name for i in self.get_inputs() if i.name not in feed_input_names and not i.type.startswith("optional")]
        if missing:
            raise ValueError(f"Required inputs ({missing}) are missing from input feed ({list(feed_input_names)}).")

    def run(self, output_names, input_feed, run_options=None):
        """Returns one numpy array (list, dict or None for non-tensor outputs) per requested output."""
        self._validate_input(list(input_feed))
        outputs = self._sess.run(list(output_names or []), self._feeds(input_feed),
                                 run_options if run_options is not None else _C.RunOptions())
        return [_values.value_to_python(v) for v in outputs]

    def run_with_ort_values(self, output_names, input_dict_ort_values, run_options=None):
        self._validate_input(list(input_dict_ort_values))
        outputs = self._sess.run(list(output_names or []), self._feeds(input_dict_ort_values),
                                 run_options if run_options is not None else _C.RunOptions())
        return [OrtValue(v) for v in outputs]
