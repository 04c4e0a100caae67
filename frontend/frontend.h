/*
 * frontend.h - readers that turn files into IR: ONNX models (onnx_import.c),
 * model-language files (.bib: dsl_import.c, doc/dsl.md) and tensors in ONNX
 * TensorProto (.pb) or NumPy (.npy) form (tensor_io.c).
 */
#ifndef BIBC_FRONTEND_H
#define BIBC_FRONTEND_H
#include "../ir/ir.h"

typedef struct ConstBinding {
  const char *name;          /* graph input to freeze */
  const char *file;          /* .pb or .npy holding its value */
} ConstBinding;

/* ---- onnx_import.c ---- */
/* Adds the binding of a "--const NAME=FILE" argument to binds[*n] (at most
 * max), NAME copied into a (arg is left as it is: the generated files quote
 * the command line); a malformed argument is a user error. */
void const_binding_add(Arena *a, ConstBinding *binds, int *n, int max, const char *arg);
/* Reads an ONNX model into a new Graph.  Graph inputs named in binds become
 * constants.  Any problem is a user error naming the file and node. */
Graph *onnx_import(const char *path, const ConstBinding *binds, int nbinds);
/* A Constant node's value attribute (value, value_float(s), value_int(s))
 * becomes its output's data. */
void constant_node_value(Graph *g, Node *n);

/* ---- dsl_import.c ---- */
/* Reads a model-language file (doc/dsl.md) into a new Graph, the same IR
 * onnx_import builds; --const bindings as there.  Errors point at the
 * file, line and column. */
Graph *dsl_import(const char *path, const ConstBinding *binds, int nbinds);
/* The reader for path: dsl_import for a .bib file, else onnx_import. */
Graph *model_import(const char *path, const ConstBinding *binds, int nbinds);

/* ---- tensor_io.c ---- */
/* Reads the whole of a regular file of at most IR_MAX_FILE_MB (kind
 * names it in messages: "model", "tensor") and records it as an input
 * (file_note_input); a directory, a device or pipe, a missing, unreadable
 * or too large file is a user error.  The caller frees the buffer. */
unsigned char *read_input_file(const char *path, const char *kind, size_t *len);
/* Reads a tensor file (.npy by extension, otherwise a serialized
 * TensorProto) into a detached Value allocated in a. */
Value *tensor_read(Arena *a, const char *path);
/* Converts an already unpacked TensorProto (struct _Onnx__TensorProto). */
Value *tensor_from_proto(Arena *a, const void *tensorproto, const char *file, const char *what);
/* Writes v to f as a serialized TensorProto / as a .npy file; 0 on
 * success (the caller opens and closes f: backends/output.c's atomic
 * files). */
int tensor_fwrite_pb(FILE *f, const Value *v);
int tensor_fwrite_npy(FILE *f, const Value *v);
/* Their first parts, for writing a tensor piece by piece: everything but
 * the value_numel(v) * dtype_size elements, which the caller writes next
 * (v->data is not read). */
int tensor_fwrite_pb_head(FILE *f, const Value *v);
int tensor_fwrite_npy_head(FILE *f, const Value *v);
int tensor_write_pb(const char *path, const Value *v);   /* the same to a path */
int tensor_write_npy(const char *path, const Value *v);
/* Detached value of the given type and shape, zero-filled. */
Value *tensor_new(Arena *a, DType dt, int rank, const int64_t *dims);

#endif
