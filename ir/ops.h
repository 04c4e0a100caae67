/*
 * ops.h - the operator table.  Every IR operator is defined exactly once here;
 * the OpKind enum, the name table, the ONNX importer's sorted lookup and the
 * shape-inference dispatch are all generated from it.  Rows are kept in ONNX-name
 * order for reading; the importer sorts its own index and does not rely on it.
 *
 * Columns: X(enum suffix, ONNX op_type, infer function, semantics).
 * IR_QONNX_OPS are QONNX/FINN custom ops: the importer accepts them in the
 * domains qonnx.custom_op.general, onnx.brevitas, finn.custom_op.general,
 * finn and the default domain (../shared/REFERENCE.md section 2); IR_OPS
 * are standard ONNX ops (default domain / ai.onnx only).
 * The infer function (ir/infer_*.c) checks attributes and input shapes, sets
 * the output types/shapes and lowers the node to one runtime kernel call
 * (Node.kernel, Node.ip, Node.fp); see ir.h.  Semantics are ONNX's, opsets
 * 6-22, evaluated in the tensor's own element type (float32 for float).
 */
#define IR_OPS(X) \
  X(ADD,         "Add",                infer_binary,     "Y = A + B (broadcast)") \
  X(ARGMAX,      "ArgMax",             infer_argmax,     "Y = index of max along axis (first or last)") \
  X(AVGPOOL,     "AveragePool",        infer_pool,       "Y = mean over window (pads counted if count_include_pad)") \
  X(BATCHNORM,   "BatchNormalization", infer_batchnorm,  "Y = (X - mean) / sqrt(var + eps) * scale + B") \
  X(CAST,        "Cast",               infer_cast,       "Y = (to)X, C conversion semantics") \
  X(CLIP,        "Clip",               infer_clip,       "Y = min(max(X, lo), hi)") \
  X(CONCAT,      "Concat",             infer_concat,     "Y = inputs joined along axis") \
  X(CONVINTEGER, "ConvInteger",        infer_conv_integer, "Y = Conv(X - x_zp, W - w_zp) in int32") \
  X(CONSTANT,    "Constant",           infer_constant,   "Y = attribute value") \
  X(CONV,        "Conv",               infer_conv,       "Y[n,m,o] = B[m] + sum_{c,k} X[n,g*C/G+c,o*s+k*d-p] W[m,c,k]") \
  X(DEQUANTIZELINEAR, "DequantizeLinear", infer_dequantize_linear, "Y = (X - zp) * scale") \
  X(DIV,         "Div",                infer_binary,     "Y = A / B (broadcast; integers truncate)") \
  X(DROPOUT,     "Dropout",            infer_dropout,    "Y = X (inference), mask = true") \
  X(ELU,         "Elu",                infer_unary,      "Y = X < 0 ? alpha*(exp(X)-1) : X") \
  X(FLATTEN,     "Flatten",            infer_flatten,    "Y = X reshaped to [prod(d<axis), prod(d>=axis)]") \
  X(GATHER,      "Gather",             infer_gather,     "Y = X taken at indices along axis") \
  X(GEMM,        "Gemm",               infer_gemm,       "Y = alpha * A' B' + beta * C") \
  X(GLOBALAVGPOOL, "GlobalAveragePool", infer_pool,      "Y[n,c] = mean over all spatial positions") \
  X(GLOBALMAXPOOL, "GlobalMaxPool",    infer_pool,       "Y[n,c] = max over all spatial positions") \
  X(HARDSIGMOID, "HardSigmoid",        infer_unary,      "Y = max(0, min(1, alpha*X + beta))") \
  X(IDENTITY,    "Identity",           infer_identity,   "Y = X") \
  X(LEAKYRELU,   "LeakyRelu",          infer_unary,      "Y = X < 0 ? alpha*X : X") \
  X(MATMUL,      "MatMul",             infer_matmul,     "Y = A B (numpy matmul, batch broadcast)") \
  X(MATMULINTEGER, "MatMulInteger",    infer_matmul_integer, "Y = (A - a_zp)(B - b_zp) in int32") \
  X(MAX,         "Max",                infer_variadic,   "Y = elementwise max of inputs (broadcast)") \
  X(MAXPOOL,     "MaxPool",            infer_pool,       "Y = max over window (pads are -inf)") \
  X(MIN,         "Min",                infer_variadic,   "Y = elementwise min of inputs (broadcast)") \
  X(MUL,         "Mul",                infer_binary,     "Y = A * B (broadcast)") \
  X(PRELU,       "PRelu",              infer_binary,     "Y = X < 0 ? slope*X : X (slope broadcast)") \
  X(POW,         "Pow",                infer_binary,     "Y = A ^ B (broadcast; float, computed in double)") \
  X(PAD,         "Pad",                infer_pad,        "Y = X padded (constant, edge, reflect, wrap)") \
  X(QLINEARCONV, "QLinearConv",        infer_qlinear_conv, "Y = quantize(Conv(dequantize(X), dequantize(W)) + B)") \
  X(QLINEARMATMUL, "QLinearMatMul",    infer_qlinear_matmul, "Y = quantize(dequantize(A) dequantize(B))") \
  X(QUANTIZELINEAR, "QuantizeLinear",  infer_quantize_linear, "Y = saturate(round_half_even(X / scale) + zp)") \
  X(RELU,        "Relu",               infer_unary,      "Y = max(X, 0)") \
  X(RESHAPE,     "Reshape",            infer_reshape,    "Y = X with new shape (0 copies, -1 infers)") \
  X(SELU,        "Selu",               infer_unary,      "Y = gamma * (X <= 0 ? alpha*(exp(X)-1) : X)") \
  X(SHAPE,       "Shape",              infer_shape_op,   "Y = int64 dims of X[start:end]") \
  X(SIGMOID,     "Sigmoid",            infer_unary,      "Y = 1 / (1 + exp(-X))") \
  X(SIGN,        "Sign",               infer_unary,      "Y = -1, 0 or 1") \
  X(SOFTMAX,     "Softmax",            infer_softmax,    "Y = exp(X - max) / sum exp(X - max) along axis") \
  X(SQUEEZE,     "Squeeze",            infer_squeeze,    "Y = X without the given size-1 axes") \
  X(SUB,         "Sub",                infer_binary,     "Y = A - B (broadcast)") \
  X(SUM,         "Sum",                infer_variadic,   "Y = elementwise sum of inputs (broadcast)") \
  X(TANH,        "Tanh",               infer_unary,      "Y = tanh(X)") \
  X(TOPK,        "TopK",               infer_topk,       "Values, Indices = the k largest (or smallest) along axis") \
  X(TRANSPOSE,   "Transpose",          infer_transpose,  "Y = X with axes permuted by perm") \
  X(UNSQUEEZE,   "Unsqueeze",          infer_unsqueeze,  "Y = X with size-1 axes inserted") \
  IR_QONNX_OPS(X) IR_INTERNAL_OPS(X)

#define IR_QONNX_OPS(X) \
  X(BIPOLARQUANT, "BipolarQuant",      infer_bipolar_quant, "Y = (X >= 0 ? +1 : -1) * scale") \
  X(INTQUANT,    "IntQuant",           infer_quant,      "same as Quant") \
  X(MULTITHRESHOLD, "MultiThreshold",  infer_multithreshold, "Y = out_scale * count(X >= T[c]) + out_bias") \
  X(QUANT,       "Quant",              infer_quant,      "q = round(clamp(X/scale + zp)); Y = (q - zp) * scale") \
  X(TRUNC,       "Trunc",              infer_trunc,      "Y = (round_mode(rint(X/scale + zp) / 2^(in_bw - out_bw)) - zp) * scale")

/* bibc's own fixed-point ops, made by passes (never imported; see
 * ir/fixed-point.md).  Their parameters are node attributes. */
#define IR_INTERNAL_OPS(X) \
  X(REQUANT,     "bibc.Requant",       infer_requant,    "Y = ovf(round(X / 2^shift_c)) * 2^post_c per channel") \
  X(FROMFLOAT,   "bibc.FromFloat",     infer_fix_convert, "Y = X * 2^F, or round(X / scale_c) (X on the grid: exact)") \
  X(TOFLOAT,     "bibc.ToFloat",       infer_fix_convert, "Y = X * 2^-F (* scale_c) as float32") \
  X(TOINT,       "bibc.ToInt",         infer_fix_convert, "Y = X as int64 (codes that are the model's integers: indices)") \
  X(SPMATMUL,    "bibc.SparseMatMul",  infer_spmatmul,   "Y = A B, B's nonzeros stored by column (values, index)") \
  X(THRESHOLD,   "bibc.Threshold",     infer_threshold,  "Y = base_c + step_c * count(sign_c * X >= T[c][k])")
