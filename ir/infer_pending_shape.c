/* temporary: operators whose inference is being written (layout/norm) */
#include "infer.h"
#define P(fn) void fn(Graph *g, Node *n) { error_node(g, n, "operator not implemented yet"); }
P(infer_argmax) P(infer_batchnorm) P(infer_concat) P(infer_flatten)
P(infer_gather) P(infer_pad) P(infer_reshape) P(infer_shape_op)
P(infer_softmax) P(infer_squeeze) P(infer_transpose) P(infer_unsqueeze)
