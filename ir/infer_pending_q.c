/* temporary: quantization operators whose inference is being written */
#include "infer.h"
#define P(fn) void fn(Graph *g, Node *n) { error_node(g, n, "operator not implemented yet"); }
P(infer_bipolar_quant) P(infer_quant) P(infer_multithreshold) P(infer_trunc) P(infer_topk)
P(infer_conv_integer) P(infer_dequantize_linear) P(infer_matmul_integer) P(infer_qlinear_conv)
P(infer_qlinear_matmul) P(infer_quantize_linear)
