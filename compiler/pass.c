/*
 * pass.c - the pass registry and the default pipeline.  The pipeline is
 * data: a list of pass names, printed by 'bibc --help'.  ir_verify() runs
 * after every pass, so a pass that breaks an invariant is caught where it
 * happens, not in a backend.
 */
#include <string.h>

#include "compiler.h"

const Pass passes[] = {
  {"infer_shapes", infer_shapes, "infer static shapes, lower nodes to kernels, fold constants",
   "Requires: an imported graph (nodes in topological order).\n"
   "Provides: every value's element type and static shape; every node's kernel call\n"
   "(Node.kernel/ip/fp/targs); nodes whose inputs are all constant are evaluated at\n"
   "compile time and removed (this folds Shape -> Gather -> Unsqueeze -> Concat ->\n"
   "Reshape chains and Constant nodes).\n"
   "Invalidates: nothing.\n"},
  {"eliminate_dead", eliminate_dead, "remove nodes whose results no output needs",
   "Requires: infer_shapes.\n"
   "Provides: every remaining node contributes to a graph output; values no node\n"
   "reads or writes are left unreferenced (not emitted).\n"
   "Invalidates: nothing.\n"},
  {"lower_fixed", lower_fixed, "map a power-of-two-quantized graph to fixed-point integers",
   "Requires: infer_shapes.\n"
   "Provides: values between quantizers become fixed point (int64 containers) with\n"
   "formats and integer ranges from interval analysis on the real weights (shown by\n"
   "--dump-ir); Quant on fixed values becomes an exact integer requantization; Gemm\n"
   "becomes MatMul + Add; ops that compute in float read ToFloat copies, and fixed\n"
   "graph outputs are delivered as float32. Semantics: ir/fixed-point.md.\n"
   "Invalidates: nothing.\n"},
};
const int npasses = (int)(sizeof passes / sizeof passes[0]);

const char *const default_pipeline[] = {"infer_shapes", "eliminate_dead", NULL};
const char *const fixed_pipeline[] = {"infer_shapes", "lower_fixed", "eliminate_dead", NULL};

const Pass *pass_find(const char *name) {
  for (int i = 0; i < npasses; i++)
    if (strcmp(passes[i].name, name) == 0)
      return &passes[i];
  return NULL;
}

void pipeline_run(Graph *g, const char *const *pipeline, const char *dump_after) {
  for (int i = 0; pipeline[i]; i++) {
    const Pass *p = pass_find(pipeline[i]);
    ASSERT(p);
    p->run(g);
    ir_verify(g);
    if (dump_after && strcmp(dump_after, p->name) == 0)
      ir_dump(g, stdout);
  }
}
