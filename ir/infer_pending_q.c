/* temporary: quantization operators whose inference is being written */
#include "infer.h"
#define P(fn) void fn(Graph *g, Node *n) { error_node(g, n, "operator not implemented yet"); }
P(infer_bipolar_quant) P(infer_quant) P(infer_multithreshold) P(infer_trunc) P(infer_topk)
