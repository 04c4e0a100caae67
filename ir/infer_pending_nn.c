/* temporary: operators whose inference is being written (conv/pool/linalg) */
#include "infer.h"
#define P(fn) void fn(Graph *g, Node *n) { error_node(g, n, "operator not implemented yet"); }
P(infer_pool) P(infer_conv) P(infer_gemm) P(infer_matmul)
