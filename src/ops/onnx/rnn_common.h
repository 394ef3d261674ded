// What RNN, GRU and LSTM share: their attributes (direction, hidden_size, activations with
// alpha/beta, clip, layout), reading X/W/R/B/sequence_lens/initial_h (initial_c, P) into double
// buffers in [seq, batch, ...] order, and a driver that walks each batch row and direction through
// time with an op-specific cell, then writes Y / Y_h (/ Y_c) in the requested layout.
// Rows past a batch entry's sequence length give zeros in Y and leave its state unchanged; the
// reverse direction starts at that entry's last valid step.
#pragma once
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "kernels/ref/rnn_activation.h"
#include "ops/registry.h"

namespace onyxrt::ops {

struct RnnSpec {
  int gates;                               // 1 (RNN), 3 (GRU), 4 (LSTM)
  std::vector<std::string> default_acts;   // per direction
  bool lstm = false;                       // has initial_c, P and Y_c
};

struct RnnAttrs {
  int dirs = 1;
  bool reverse = false;  // direction == "reverse" (single direction running backwards)
  int64_t hidden = 0;
  int layout = 0;        // 0: [seq, batch, ...], 1: [batch, seq, ...] (opset 14+)
  double clip = std::numeric_limits<double>::infinity();
  std::vector<kernels::RnnActivation> acts;  // dirs * default_acts.size()
};

RnnAttrs parse_rnn_attrs(const ir::Node& node, const RnnSpec& spec);

struct RnnProblem {
  int64_t seq = 0, batch = 0, input = 0, hidden = 0;
  int dirs = 1;
  std::vector<double> X;   // [seq, batch, input]
  std::vector<double> W;   // [dirs, gates * hidden, input]
  std::vector<double> R;   // [dirs, gates * hidden, hidden]
  std::vector<double> B;   // [dirs, 2 * gates * hidden] (Wb then Rb), zeros when absent
  std::vector<double> h0;  // [dirs, batch, hidden]
  std::vector<double> c0;  // [dirs, batch, hidden] (LSTM)
  std::vector<double> P;   // [dirs, 3 * hidden] (LSTM peepholes i, o, f), zeros when absent
  std::vector<int64_t> lens;
};

RnnProblem load_rnn_problem(KernelContext& ctx, const RnnAttrs& attrs, const RnnSpec& spec);

// One time step of one direction for one batch row: reads x [input], h_prev/c_prev [hidden]
// (c_prev null unless LSTM) and writes h (and c). `scratch` holds 2 * gates * hidden doubles.
using RnnCell = std::function<void(const RnnProblem& p, int dir, const double* x, const double* h_prev,
                                   const double* c_prev, double* h, double* c, double* scratch)>;

void run_rnn(KernelContext& ctx, const RnnAttrs& attrs, const RnnSpec& spec, const RnnProblem& p, const RnnCell& cell);

// out[r] += sum_k M[r, k] * v[k] for rows [0, rows).
void rnn_matvec_add(const double* M, int64_t rows, int64_t cols, const double* v, double* out);

bool rnn_dtype_supported(DataType t);
std::unique_ptr<OpKernel> check_rnn_types(const ir::Node& node, std::unique_ptr<OpKernel> kernel);
void infer_rnn_outputs(ir::InferenceContext& ctx, bool lstm);

}  // namespace onyxrt::ops
