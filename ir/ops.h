/*
 * ops.h - the operator table.  Every IR operator is defined exactly once here;
 * the OpKind enum, the name table, the ONNX importer's sorted lookup, the
 * shape-inference dispatch and the signatures the model language's parser
 * and printer check (graph.c: op_min_inputs ... op_attrs) are all generated
 * from it.  Rows are kept in ONNX-name order for reading; the importer sorts
 * its own index and does not rely on it.
 *
 * Columns: X(enum suffix, ONNX op_type, infer function, min inputs, max
 * inputs (-1: any number), max outputs, attributes, semantics).
 * Input counts are positions as ONNX lists them, empty optional ones
 * included, and what bibc reads where it is more lenient than ONNX
 * (QLinearConv's and QLinearMatMul's zero points are optional: y_scale,
 * position 7, is the last one required).  The attribute string is "name:kind ...", kind f (ATTR_FLOAT),
 * i (ATTR_INT), s (ATTR_STRING), t (ATTR_TENSOR), fs (ATTR_FLOATS), is
 * (ATTR_INTS) or ss (ATTR_STRINGS); it lists every attribute the op accepts
 * in opsets 6-23, whether or not bibc reads it, and the older ones bibc's
 * infer functions still read (Reshape-1's shape, Pad-1's paddings), but not
 * Constant's sparse_value, which has no AttrKind (the importer drops it).
 * A signature is the union over those opsets: the infer function checks
 * what the node's own opset allows.
 * IR_QONNX_OPS are QONNX/FINN custom ops: the importer accepts them in the
 * domains qonnx.custom_op.general, onnx.brevitas, finn.custom_op.general,
 * finn and the default domain (../shared/REFERENCE.md section 2); IR_LGN_OPS
 * are logic-gate network ops, bibc's own domain bibc.lgn (LGN_DOMAIN, that
 * domain only); IR_ONNX_OPS are standard ONNX ops (default domain / ai.onnx
 * only).
 * The infer function (ir/infer_*.c) checks attributes and input shapes, sets
 * the output types/shapes and lowers the node to one runtime kernel call
 * (Node.kernel, Node.ip, Node.fp); see ir.h.  Semantics are ONNX's, opsets
 * 6-22, evaluated in the tensor's own element type (float32 for float).
 */
#define IR_ONNX_OPS(X) \
  X(ADD,         "Add",                infer_binary,      2,  2, 1, \
    "axis:i broadcast:i", \
    "Y = A + B (broadcast)") \
  X(ARGMAX,      "ArgMax",             infer_argmax,      1,  1, 1, \
    "axis:i keepdims:i select_last_index:i", \
    "Y = index of max along axis (first or last)") \
  X(AVGPOOL,     "AveragePool",        infer_pool,        1,  1, 1, \
    "auto_pad:s ceil_mode:i count_include_pad:i dilations:is kernel_shape:is pads:is strides:is", \
    "Y = mean over window (pads counted if count_include_pad)") \
  X(BATCHNORM,   "BatchNormalization", infer_batchnorm,   5,  5, 5, \
    "epsilon:f is_test:i momentum:f spatial:i training_mode:i", \
    "Y = (X - mean) / sqrt(var + eps) * scale + B") \
  X(CAST,        "Cast",               infer_cast,        1,  1, 1, \
    "saturate:i to:i", \
    "Y = (to)X, C conversion semantics") \
  X(CLIP,        "Clip",               infer_clip,        1,  3, 1, \
    "max:f min:f", \
    "Y = min(max(X, lo), hi)") \
  X(CONCAT,      "Concat",             infer_concat,      1, -1, 1, \
    "axis:i", \
    "Y = inputs joined along axis") \
  X(CONVINTEGER, "ConvInteger",        infer_conv_integer, 2, 4, 1, \
    "auto_pad:s dilations:is group:i kernel_shape:is pads:is strides:is", \
    "Y = Conv(X - x_zp, W - w_zp) in int32") \
  X(CONSTANT,    "Constant",           infer_constant,    0,  0, 1, \
    "value:t value_float:f value_floats:fs value_int:i value_ints:is value_string:s " \
    "value_strings:ss", \
    "Y = attribute value") \
  X(CONV,        "Conv",               infer_conv,        2,  3, 1, \
    "auto_pad:s dilations:is group:i kernel_shape:is pads:is strides:is", \
    "Y[n,m,o] = B[m] + sum_{c,k} X[n,g*C/G+c,o*s+k*d-p] W[m,c,k]") \
  X(DEQUANTIZELINEAR, "DequantizeLinear", infer_dequantize_linear, 2, 3, 1, \
    "axis:i block_size:i output_dtype:i", \
    "Y = (X - zp) * scale") \
  X(DIV,         "Div",                infer_binary,      2,  2, 1, \
    "axis:i broadcast:i", \
    "Y = A / B (broadcast; integers truncate)") \
  X(DROPOUT,     "Dropout",            infer_dropout,     1,  3, 2, \
    "is_test:i ratio:f seed:i", \
    "Y = X (inference), mask = true") \
  X(ELU,         "Elu",                infer_unary,       1,  1, 1, \
    "alpha:f", \
    "Y = X < 0 ? alpha*(exp(X)-1) : X") \
  X(FLATTEN,     "Flatten",            infer_flatten,     1,  1, 1, \
    "axis:i", \
    "Y = X reshaped to [prod(d<axis), prod(d>=axis)]") \
  X(GATHER,      "Gather",             infer_gather,      2,  2, 1, \
    "axis:i", \
    "Y = X taken at indices along axis") \
  X(GEMM,        "Gemm",               infer_gemm,        2,  3, 1, \
    "alpha:f beta:f broadcast:i transA:i transB:i", \
    "Y = alpha * A' B' + beta * C") \
  X(GLOBALAVGPOOL, "GlobalAveragePool", infer_pool,       1,  1, 1, \
    "", \
    "Y[n,c] = mean over all spatial positions") \
  X(GLOBALMAXPOOL, "GlobalMaxPool",    infer_pool,        1,  1, 1, \
    "", \
    "Y[n,c] = max over all spatial positions") \
  X(HARDSIGMOID, "HardSigmoid",        infer_unary,       1,  1, 1, \
    "alpha:f beta:f", \
    "Y = max(0, min(1, alpha*X + beta))") \
  X(IDENTITY,    "Identity",           infer_identity,    1,  1, 1, \
    "", \
    "Y = X") \
  X(LEAKYRELU,   "LeakyRelu",          infer_unary,       1,  1, 1, \
    "alpha:f", \
    "Y = X < 0 ? alpha*X : X") \
  X(MATMUL,      "MatMul",             infer_matmul,      2,  2, 1, \
    "", \
    "Y = A B (numpy matmul, batch broadcast)") \
  X(MATMULINTEGER, "MatMulInteger",    infer_matmul_integer, 2, 4, 1, \
    "", \
    "Y = (A - a_zp)(B - b_zp) in int32") \
  X(MAX,         "Max",                infer_variadic,    1, -1, 1, \
    "", \
    "Y = elementwise max of inputs (broadcast)") \
  X(MAXPOOL,     "MaxPool",            infer_pool,        1,  1, 2, \
    "auto_pad:s ceil_mode:i dilations:is kernel_shape:is pads:is storage_order:i strides:is", \
    "Y = max over window (pads are -inf)") \
  X(MIN,         "Min",                infer_variadic,    1, -1, 1, \
    "", \
    "Y = elementwise min of inputs (broadcast)") \
  X(MUL,         "Mul",                infer_binary,      2,  2, 1, \
    "axis:i broadcast:i", \
    "Y = A * B (broadcast)") \
  X(PRELU,       "PRelu",              infer_binary,      2,  2, 1, \
    "", \
    "Y = X < 0 ? slope*X : X (slope broadcast)") \
  X(POW,         "Pow",                infer_binary,      2,  2, 1, \
    "axis:i broadcast:i", \
    "Y = A ^ B (broadcast; float, computed in double)") \
  X(PAD,         "Pad",                infer_pad,         1,  4, 1, \
    "mode:s paddings:is pads:is value:f", \
    "Y = X padded (constant, edge, reflect, wrap)") \
  X(QLINEARCONV, "QLinearConv",        infer_qlinear_conv, 7, 9, 1, \
    "auto_pad:s dilations:is group:i kernel_shape:is pads:is strides:is", \
    "Y = quantize(Conv(dequantize(X), dequantize(W)) + B)") \
  X(QLINEARMATMUL, "QLinearMatMul",    infer_qlinear_matmul, 7, 8, 1, \
    "", \
    "Y = quantize(dequantize(A) dequantize(B))") \
  X(QUANTIZELINEAR, "QuantizeLinear",  infer_quantize_linear, 2, 3, 1, \
    "axis:i block_size:i output_dtype:i precision:i saturate:i", \
    "Y = saturate(round_half_even(X / scale) + zp)") \
  X(RELU,        "Relu",               infer_unary,       1,  1, 1, \
    "", \
    "Y = max(X, 0)") \
  X(RESHAPE,     "Reshape",            infer_reshape,     1,  2, 1, \
    "allowzero:i shape:is", \
    "Y = X with new shape (0 copies, -1 infers)") \
  X(SELU,        "Selu",               infer_unary,       1,  1, 1, \
    "alpha:f gamma:f", \
    "Y = gamma * (X <= 0 ? alpha*(exp(X)-1) : X)") \
  X(SHAPE,       "Shape",              infer_shape_op,    1,  1, 1, \
    "end:i start:i", \
    "Y = int64 dims of X[start:end]") \
  X(SIGMOID,     "Sigmoid",            infer_unary,       1,  1, 1, \
    "", \
    "Y = 1 / (1 + exp(-X))") \
  X(SIGN,        "Sign",               infer_unary,       1,  1, 1, \
    "", \
    "Y = -1, 0 or 1") \
  X(SOFTMAX,     "Softmax",            infer_softmax,     1,  1, 1, \
    "axis:i", \
    "Y = exp(X - max) / sum exp(X - max) along axis") \
  X(SQUEEZE,     "Squeeze",            infer_squeeze,     1,  2, 1, \
    "axes:is", \
    "Y = X without the given size-1 axes") \
  X(SUB,         "Sub",                infer_binary,      2,  2, 1, \
    "axis:i broadcast:i", \
    "Y = A - B (broadcast)") \
  X(SUM,         "Sum",                infer_variadic,    1, -1, 1, \
    "", \
    "Y = elementwise sum of inputs (broadcast)") \
  X(TANH,        "Tanh",               infer_unary,       1,  1, 1, \
    "", \
    "Y = tanh(X)") \
  X(TOPK,        "TopK",               infer_topk,        1,  2, 2, \
    "axis:i k:i largest:i sorted:i", \
    "Values, Indices = the k largest (or smallest) along axis") \
  X(TRANSPOSE,   "Transpose",          infer_transpose,   1,  1, 1, \
    "perm:is", \
    "Y = X with axes permuted by perm") \
  X(UNSQUEEZE,   "Unsqueeze",          infer_unsqueeze,   1,  2, 1, \
    "axes:is", \
    "Y = X with size-1 axes inserted")

/* Quant's bibc_round and bibc_overflow are bibc's own (RoundMode and
 * OverflowMode codes): quantize_ptq sets them on the Quants it inserts
 * after fixed-point values, for the modes QONNX's rounding_mode cannot
 * name (hls4ml's RND, ...) and wrapping overflow; lower_fixed_quant
 * prefers them to rounding_mode. */
#define IR_QONNX_OPS(X) \
  X(BIPOLARQUANT, "BipolarQuant",      infer_bipolar_quant, 2, 2, 1, \
    "", \
    "Y = (X >= 0 ? +1 : -1) * scale") \
  X(INTQUANT,    "IntQuant",           infer_quant,       4,  4, 1, \
    "bibc_overflow:i bibc_round:i narrow:i rounding_mode:s signed:i", \
    "same as Quant") \
  X(MULTITHRESHOLD, "MultiThreshold",  infer_multithreshold, 2, 2, 1, \
    "data_layout:s out_bias:f out_dtype:s out_scale:f", \
    "Y = out_scale * count(X >= T[c]) + out_bias") \
  X(QUANT,       "Quant",              infer_quant,       4,  4, 1, \
    "bibc_overflow:i bibc_round:i narrow:i rounding_mode:s signed:i", \
    "q = round(clamp(X/scale + zp)); Y = (q - zp) * scale") \
  X(TRUNC,       "Trunc",              infer_trunc,       5,  6, 1, \
    "narrow:i rounding_mode:s signed:i", \
    "Y = (round_mode(rint(X/scale + zp) / 2^(in_bw - out_bw)) - zp) * scale")

/* Logic-gate networks (difflogic, ../shared/REFERENCE.md section 4), domain
 * bibc.lgn.  Values are 0 or 1 (any element type: float 0.0/1.0, integer,
 * bool); the interpreter stops with an error naming the node on any other
 * value, generated code reads every nonzero value as 1.  Gate id g is the
 * truth table read MSB-first over ab = 00, 01, 10, 11:
 * gate_g(a, b) = (g >> (3 - (2a + b))) & 1, so 0 zero, 1 a&b, 2 a&~b, 3 a,
 * 4 ~a&b, 5 b, 6 a^b, 7 a|b, 8 ~(a|b), 9 ~(a^b), 10 ~b, 11 a|~b, 12 ~a,
 * 13 ~a|b, 14 ~(a&b), 15 one.  Inputs are [B, N]; a, b, gates have one
 * entry per output neuron; GroupSum's k groups are consecutive, N/k each. */
#define IR_LGN_OPS(X) \
  X(GROUPSUM,    "GroupSum",           infer_group_sum,   1,  1, 1, \
    "k:i tau:f", \
    "Y[r, c] = float32(count(X[r, c*N/k .. (c+1)*N/k - 1] == 1) / tau), tau 1 by default") \
  X(LOGICLAYER,  "LogicLayer",         infer_logic_layer, 1,  1, 1, \
    "a:is b:is gates:is", \
    "Y[r, j] = gate_{gates[j]}(X[r, a[j]], X[r, b[j]]), same element type as X")

/* bibc's own fixed-point ops, made by passes (never imported; see
 * ir/fixed-point.md).  Their parameters are node attributes (infer_fixed.c
 * describes them). */
#define IR_INTERNAL_OPS(X) \
  X(REQUANT,     "bibc.Requant",       infer_requant,     1,  1, 1, \
    "axis:i channels:is mode:i ovf:i sgn:i w:i", \
    "Y = ovf(round(X / 2^shift_c)) * 2^post_c per channel") \
  X(FROMFLOAT,   "bibc.FromFloat",     infer_fix_convert, 1,  1, 1, \
    "axis:i f:i scale:fs", \
    "Y = X * 2^F, or round(X / scale_c) (X on the grid: exact)") \
  X(TOFLOAT,     "bibc.ToFloat",       infer_fix_convert, 1,  1, 1, \
    "axis:i f:i scale:fs", \
    "Y = X * 2^-F (* scale_c) as float32") \
  X(TOINT,       "bibc.ToInt",         infer_fix_convert, 1,  1, 1, \
    "", \
    "Y = X as int64 (codes that are the model's integers: indices)") \
  X(SPMATMUL,    "bibc.SparseMatMul",  infer_spmatmul,    3,  3, 1, \
    "n:i", \
    "Y = A B, B's nonzeros stored by column (values, index)") \
  X(THRESHOLD,   "bibc.Threshold",     infer_threshold,   1,  1, 1, \
    "axis:i k:i rows:is", \
    "Y = base_c + step_c * count(sign_c * X >= T[c][k])") \
  X(POPCOUNT,    "bibc.PopCount",      infer_popcount,    1,  1, 1, \
    "k:i", \
    "Y[r, c] = count(X[r, c*N/k .. (c+1)*N/k - 1] != 0) as int64 (GroupSum's codes)")

/* hls4ml's layer names, which the model language writes as operators
 * (Dense(x, W, b)) and --config's LayerType uses as keys: X(name, the
 * operator the model language makes of it, the rank its weight must have,
 * a second operator a LayerType entry of that name also covers (hls4ml's
 * Dense is a MatMul too)).  layer_lookup and layer_covers read it. */
#define IR_LAYERS(X) \
  X("Dense",  OP_GEMM, 2, OP_MATMUL)  /* y = x W + b, x [batch, in], W [in, out] */ \
  X("Conv1D", OP_CONV, 3, OP_CONV)    /* weight [out, in/group, k] */ \
  X("Conv2D", OP_CONV, 4, OP_CONV)    /* weight [out, in/group, kh, kw] */

/* Every op, in OpKind order. */
#define IR_ALL_OPS(X) IR_ONNX_OPS(X) IR_QONNX_OPS(X) IR_LGN_OPS(X) IR_INTERNAL_OPS(X)
