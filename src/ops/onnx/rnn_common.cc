#include "ops/onnx/rnn_common.h"

#include <algorithm>
#include <cmath>

#include "ops/common/dtype_dispatch.h"

namespace onyxrt::ops {
namespace {

std::vector<double> to_doubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.size()));
  visit_numeric(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.size(); ++i) v[i] = static_cast<double>(ComputeType<T>::load(p[i]));
  });
  return v;
}

}  // namespace

RnnAttrs parse_rnn_attrs(const ir::Node& node, const RnnSpec& spec) {
  RnnAttrs a;
  const std::string dir = node.get_string("direction", "forward");
  if (dir == "bidirectional") a.dirs = 2;
  else if (dir == "reverse") a.reverse = true;
  else if (dir != "forward")
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": direction '" + dir + "' is not forward, reverse or bidirectional");
  a.hidden = node.get_int("hidden_size", 0);
  if (!node.has("hidden_size")) a.hidden = -1;  // taken from R at run time
  a.layout = node.opset >= 14 ? static_cast<int>(node.get_int("layout", 0)) : 0;
  if (node.has("clip")) a.clip = node.get_float("clip", 0);
  if (node.get_int("output_sequence", 0) != 0 && node.opset < 7) {
    // Opset 1's output_sequence only decides whether Y is filled; Y is always computed here.
  }
  std::vector<std::string> names = node.get_strings("activations");
  const size_t funcs = spec.default_acts.size();
  if (names.empty()) {
    for (int d = 0; d < a.dirs; ++d) names.insert(names.end(), spec.default_acts.begin(), spec.default_acts.end());
  } else if (names.size() == funcs && a.dirs == 2) {
    const std::vector<std::string> once = names;
    names.insert(names.end(), once.begin(), once.end());
  }
  if (names.size() != funcs * static_cast<size_t>(a.dirs))
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": activations must name " + std::to_string(funcs) +
                                             " functions per direction");
  const std::vector<float> alphas = node.get_floats("activation_alpha");
  const std::vector<float> betas = node.get_floats("activation_beta");
  size_t ai = 0, bi = 0;
  for (const std::string& n : names) {
    kernels::RnnActivation act;
    bool ta, tb;
    if (!kernels::parse_rnn_activation(n, act, ta, tb))
      throw_error(ErrorCode::NotImplemented, node.describe() + ": activation '" + n + "' is not supported");
    if (ta && ai < alphas.size()) act.alpha = alphas[ai++];
    if (tb && bi < betas.size()) act.beta = betas[bi++];
    a.acts.push_back(act);
  }
  return a;
}

RnnProblem load_rnn_problem(KernelContext& ctx, const RnnAttrs& a, const RnnSpec& spec) {
  const ir::Node& node = ctx.node();
  auto fail = [&](const std::string& what) { throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what); };
  const Tensor& X = ctx.required_input(0);
  const Tensor& W = ctx.required_input(1);
  const Tensor& R = ctx.required_input(2);
  if (X.rank() != 3 || W.rank() != 3 || R.rank() != 3) fail("X, W and R must be 3-D");
  RnnProblem p;
  p.dirs = a.dirs;
  p.seq = X.shape()[a.layout == 0 ? 0 : 1];
  p.batch = X.shape()[a.layout == 0 ? 1 : 0];
  p.input = X.shape()[2];
  p.hidden = a.hidden >= 0 ? a.hidden : R.shape()[2];
  const int64_t G = spec.gates * p.hidden;
  if (W.shape() != Shape{a.dirs, G, p.input})
    fail("W must be [num_directions, " + std::to_string(G) + ", input_size], got " + shape_to_string(W.shape()));
  if (R.shape() != Shape{a.dirs, G, p.hidden})
    fail("R must be [num_directions, " + std::to_string(G) + ", hidden_size], got " + shape_to_string(R.shape()));
  const std::vector<double> x = to_doubles(X);
  if (a.layout == 0) {
    p.X = x;
  } else {
    p.X.resize(x.size());
    for (int64_t b = 0; b < p.batch; ++b)
      for (int64_t t = 0; t < p.seq; ++t)
        std::copy_n(&x[(b * p.seq + t) * p.input], p.input, &p.X[(t * p.batch + b) * p.input]);
  }
  p.W = to_doubles(W);
  p.R = to_doubles(R);
  if (const Tensor* B = ctx.input(3)) {
    if (B->size() != a.dirs * 2 * G) fail("B must be [num_directions, " + std::to_string(2 * G) + "]");
    p.B = to_doubles(*B);
  } else {
    p.B.assign(static_cast<size_t>(a.dirs * 2 * G), 0.0);
  }
  p.lens.assign(static_cast<size_t>(p.batch), p.seq);
  if (const Tensor* L = ctx.input(4)) {
    if (L->size() != p.batch) fail("sequence_lens must hold one length per batch entry");
    const std::vector<double> l = to_doubles(*L);
    for (int64_t b = 0; b < p.batch; ++b) {
      p.lens[b] = static_cast<int64_t>(l[b]);
      if (p.lens[b] < 0 || p.lens[b] > p.seq) fail("sequence_lens values must be in [0, seq_length]");
    }
  }
  auto state = [&](int i, std::vector<double>& out) {
    const size_t n = static_cast<size_t>(a.dirs * p.batch * p.hidden);
    const Tensor* t = ctx.input(i);
    if (!t) {
      out.assign(n, 0.0);
      return;
    }
    if (static_cast<size_t>(t->size()) != n) fail("initial state must hold num_directions * batch * hidden values");
    const std::vector<double> v = to_doubles(*t);
    if (a.layout == 0) {
      out = v;
      return;
    }
    out.resize(n);  // [batch, dirs, hidden] -> [dirs, batch, hidden]
    for (int64_t b = 0; b < p.batch; ++b)
      for (int d = 0; d < a.dirs; ++d)
        std::copy_n(&v[(b * a.dirs + d) * p.hidden], p.hidden, &out[(d * p.batch + b) * p.hidden]);
  };
  state(5, p.h0);
  if (spec.lstm) {
    state(6, p.c0);
    if (const Tensor* P = ctx.input(7)) {
      if (P->size() != a.dirs * 3 * p.hidden) fail("P must be [num_directions, 3 * hidden_size]");
      p.P = to_doubles(*P);
    } else {
      p.P.assign(static_cast<size_t>(a.dirs * 3 * p.hidden), 0.0);
    }
  }
  return p;
}

void rnn_matvec_add(const double* M, int64_t rows, int64_t cols, const double* v, double* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const double* m = M + r * cols;
    double acc = 0;
    for (int64_t k = 0; k < cols; ++k) acc += m[k] * v[k];
    out[r] += acc;
  }
}

void run_rnn(KernelContext& ctx, const RnnAttrs& a, const RnnSpec& spec, const RnnProblem& p, const RnnCell& cell) {
  const int64_t S = p.seq, Bt = p.batch, H = p.hidden, D = p.dirs;
  std::vector<double> Y(static_cast<size_t>(S * D * Bt * H), 0.0);  // [seq, dirs, batch, hidden]
  std::vector<double> Yh(static_cast<size_t>(D * Bt * H), 0.0), Yc(spec.lstm ? Yh.size() : 0, 0.0);
  ThreadPool::parallel_for(ctx.thread_pool(), Bt, 1, [&](int64_t b0, int64_t b1) {
    std::vector<double> h(H), c(H), hn(H), cn(H), scratch(static_cast<size_t>(2 * spec.gates * H));
    for (int64_t b = b0; b < b1; ++b) {
      for (int d = 0; d < D; ++d) {
        const bool backwards = d == 1 || a.reverse;
        std::copy_n(&p.h0[(d * Bt + b) * H], H, h.begin());
        if (spec.lstm) std::copy_n(&p.c0[(d * Bt + b) * H], H, c.begin());
        const int64_t L = p.lens[b];
        for (int64_t s = 0; s < L; ++s) {
          const int64_t t = backwards ? L - 1 - s : s;
          cell(p, d, &p.X[(t * Bt + b) * p.input], h.data(), spec.lstm ? c.data() : nullptr, hn.data(),
               spec.lstm ? cn.data() : nullptr, scratch.data());
          h.swap(hn);
          if (spec.lstm) c.swap(cn);
          std::copy_n(h.begin(), H, &Y[((t * D + d) * Bt + b) * H]);
        }
        std::copy_n(h.begin(), H, &Yh[(d * Bt + b) * H]);
        if (spec.lstm) std::copy_n(c.begin(), H, &Yc[(d * Bt + b) * H]);
      }
    }
  });
  const DataType dt = ctx.required_input(0).dtype();
  auto emit = [&](int i, const std::vector<double>& v, Shape shape) {
    if (i >= ctx.output_count() || !ctx.output_requested(i)) return;
    Tensor& out = ctx.allocate_output(i, dt, shape);
    visit_numeric(dt, [&](auto tag) {
      using T = decltype(tag);
      using CT = ComputeType<T>;
      T* o = out.mutable_data<T>();
      for (size_t k = 0; k < v.size(); ++k) o[k] = CT::store(static_cast<typename CT::type>(v[k]));
    });
  };
  if (a.layout == 0) {
    emit(0, Y, {S, D, Bt, H});
    emit(1, Yh, {D, Bt, H});
    if (spec.lstm) emit(2, Yc, {D, Bt, H});
    return;
  }
  // layout 1: Y [batch, seq, dirs, hidden], states [batch, dirs, hidden].
  std::vector<double> Y1(Y.size()), Yh1(Yh.size()), Yc1(Yc.size());
  for (int64_t t = 0; t < S; ++t)
    for (int64_t d = 0; d < D; ++d)
      for (int64_t b = 0; b < Bt; ++b)
        std::copy_n(&Y[((t * D + d) * Bt + b) * H], H, &Y1[((b * S + t) * D + d) * H]);
  for (int64_t d = 0; d < D; ++d)
    for (int64_t b = 0; b < Bt; ++b) {
      std::copy_n(&Yh[(d * Bt + b) * H], H, &Yh1[(b * D + d) * H]);
      if (spec.lstm) std::copy_n(&Yc[(d * Bt + b) * H], H, &Yc1[(b * D + d) * H]);
    }
  emit(0, Y1, {Bt, S, D, H});
  emit(1, Yh1, {Bt, D, H});
  if (spec.lstm) emit(2, Yc1, {Bt, D, H});
}

bool rnn_dtype_supported(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Float16;
}

std::unique_ptr<OpKernel> check_rnn_types(const ir::Node& node, std::unique_ptr<OpKernel> kernel) {
  for (int i = 0; i < node.input_count(); ++i) {
    if (!node.has_input(i) || i == 4) continue;  // sequence_lens is int32
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !rnn_dtype_supported(t)) unsupported_type(node, i, t);
  }
  return kernel;
}

void infer_rnn_outputs(ir::InferenceContext& ctx, bool lstm) {
  const ir::Node& node = ctx.node();
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& r = ctx.input_type(2);
  const int layout = node.opset >= 14 ? static_cast<int>(node.get_int("layout", 0)) : 0;
  const int64_t dirs = node.get_string("direction", "forward") == "bidirectional" ? 2 : 1;
  ir::Dim hidden;
  if (node.has("hidden_size")) hidden = ir::Dim::of(node.get_int("hidden_size", 0));
  else if (r.has_shape && r.shape.size() == 3) hidden = r.shape[2];
  ir::Dim seq, batch;
  const bool known = x.has_shape && x.shape.size() == 3;
  if (known) {
    seq = x.shape[layout == 0 ? 0 : 1];
    batch = x.shape[layout == 0 ? 1 : 0];
  }
  const ir::Dim D = ir::Dim::of(dirs);
  auto set = [&](int i, ir::SymShape s) {
    if (i < ctx.output_count() && node.outputs[i] != nullptr)
      ctx.set_output_type(i, ir::TypeInfo::tensor(x.elem, std::move(s)));
  };
  set(0, layout == 0 ? ir::SymShape{seq, D, batch, hidden} : ir::SymShape{batch, seq, D, hidden});
  const ir::SymShape st = layout == 0 ? ir::SymShape{D, batch, hidden} : ir::SymShape{batch, D, hidden};
  set(1, st);
  if (lstm) set(2, st);
}

}  // namespace onyxrt::ops
