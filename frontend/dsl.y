/*
 * dsl.y - the model language's grammar (bison, a pure parser with
 * locations; the summary is in doc/dsl.md).  Statements are built into IR
 * as they are reduced (dsl_build.c), so a name is defined before it is
 * used, as in an ONNX graph's topological order.  Newlines carry no
 * meaning: every statement ends where the next one's first token shows.
 * A type always has brackets ("float32[]" is a scalar), so that a name
 * before '[' starts a type and a name before '=' an attribute.
 * Annotations (@precision, @prune) go before an operator, an input or the
 * model line only: the grammar says so, and takes them with the statement.
 */
%define api.pure full
%define api.prefix {dslyy}
%define parse.error verbose
%define parse.lac full
%locations
%param {yyscan_t scanner}
%parse-param {Dsl *d}

%code requires {
#include <stdint.h>
typedef struct DslVal DslVal;
typedef struct DslType DslType;
typedef struct DslArg DslArg;
typedef struct DslName DslName;
typedef struct Dsl Dsl;
typedef struct Annot Annot;
typedef void *yyscan_t;
}

%code top {
#include <string.h>

#include "dsl.h"
}

%code {
int dslyylex(DSLYYSTYPE *lval, DSLYYLTYPE *lloc, yyscan_t scanner);
static void dslyyerror(DSLYYLTYPE *l, yyscan_t scanner, Dsl *d, const char *msg);
#define AT(l) (&(SrcLoc){d->file->path, (l).first_line, (l).first_column})
}

%union {
  uint64_t u;
  double f;
  const char *s;
  DslVal *val;
  DslType *type;
  DslArg *arg;
  DslName *names;
  Annot *annot;
  int64_t index;
  struct { int64_t start, n; } range;
}

%token MODEL "keyword model" OPSET "keyword opset" INPUT "keyword input"
%token OUTPUT "keyword output" CONST "keyword const" INCLUDE "keyword include" FILE_ "keyword file"
%token SKIP "_" IN "in"
%token <s> NAME "name" STRING "string"
%token <u> INT "integer"
%token <f> FLOAT "number"
%type <val> literal init bounds
%type <range> list items
%type <index> number
%type <type> type dims
%type <arg> args arglist arg
%type <names> names outs out
%type <s> label
%type <annot> annots

%%

file:
    %empty
  | file stmt
  ;

stmt:
    annots MODEL { d->annot_line = 0; } NAME
                                        { dsl_model(d, $4, $1); }
  | OPSET INT                           { dsl_opset(d, $2, AT(@2)); }
  | INCLUDE STRING                      { dsl_include(d, $2, AT(@2)); }
  | annots INPUT { d->annot_line = 0; } NAME ':' type bounds
                                        { dsl_input(d, $4, AT(@4), $6, $1);
                                          if ($7)
                                            dsl_input_range(d, $4, $6, $7); }
  | CONST NAME ':' type '=' init        { dsl_const(d, $2, AT(@2), $4, $6); }
  | CONST NAME '=' literal              { dsl_const(d, $2, AT(@2), NULL, $4); }
  | OUTPUT names                        { dsl_output(d, dsl_names_reverse($2)); }
  | annots label outs { d->annot_line = 0; } '=' NAME '(' args ')'
                                        { dsl_node(d, $2, dsl_names_reverse($3), $6, AT(@6),
                                                   dsl_args_reverse($8), $1); }
  ;

bounds:                                 /* an input's range: in [lo, hi] */
    %empty                              { $$ = NULL; }
  | IN '[' number ',' number ']'        { $$ = dsl_nums(d, $3, 2, 0, AT(@1)); }
  ;

annots:                                 /* @precision(...), @prune(F): for the next statement */
    %empty                              { $$ = NULL; }
  | annots '@' NAME '(' args ')'        { $$ = dsl_annot(d, $1, $3, AT(@3), dsl_args_reverse($5)); }
  ;

label:
    %empty                              { $$ = NULL; }
  | STRING ':'                          { $$ = $1; }
  ;

names:                                  /* built backwards */
    NAME                                { $$ = dsl_alloc(d, sizeof *$$); $$->name = $1; $$->loc = *AT(@1); }
  | names ',' NAME                      { $$ = dsl_alloc(d, sizeof *$$); $$->name = $3; $$->loc = *AT(@3);
                                          $$->next = $1; }
  ;

outs:                                   /* built backwards */
    out                                 { $$ = $1; }
  | outs ',' out                        { $$ = $3; $$->next = $1; }
  ;

out:
    NAME                                { $$ = dsl_alloc(d, sizeof *$$); $$->name = $1; $$->loc = *AT(@1); }
  | SKIP                                { $$ = dsl_alloc(d, sizeof *$$); $$->loc = *AT(@1); }
  ;

type:
    dims ']'                            { $$ = $1; }
  | NAME '[' ']'                        { $$ = dsl_type(d, $1, AT(@1)); }
  ;

dims:
    NAME '[' INT                        { $$ = dsl_type(d, $1, AT(@1));
                                          $$->rank = 1; $$->dims[0] = (int64_t)($3 > INT64_MAX ? INT64_MAX : $3); }
  | dims ',' INT                        { if ($1->rank == IR_MAXRANK)
                                            error_loc(AT(@3), "more than %d dimensions", IR_MAXRANK);
                                          $$ = $1; $$->dims[$$->rank++] = (int64_t)($3 > INT64_MAX ? INT64_MAX : $3); }
  ;

init:
    list                                { $$ = dsl_nums(d, $1.start, $1.n, 0, AT(@1)); }
  | number                              { $$ = dsl_nums(d, $1, 1, 1, AT(@1)); }
  | FILE_ STRING                        { $$ = dsl_file_tensor(d, $2, AT(@2)); }
  ;

literal:
    number                              { $$ = dsl_nums(d, $1, 1, 1, AT(@1)); }
  | list                                { $$ = dsl_nums(d, $1.start, $1.n, 0, AT(@1)); }
  | STRING                              { $$ = dsl_alloc(d, sizeof *$$); $$->kind = DV_STRING;
                                          $$->s = $1; $$->loc = *AT(@1); }
  | type init                           { $$ = dsl_tensor(d, $1, $2); }
  ;

number:
    INT                                 { $$ = dsl_int(d, $1, 0, AT(@1)); }
  | FLOAT                               { $$ = dsl_float(d, $1, AT(@1)); }
  | '-' INT                             { $$ = dsl_int(d, $2, 1, AT(@1)); }
  | '-' FLOAT                           { $$ = dsl_float(d, -$2, AT(@1)); }
  ;

list:                                   /* its numbers are consecutive in the store */
    '[' ']'                             { $$.start = d->nums.n; $$.n = 0; }
  | '[' items ']'                       { $$ = $2; }
  | '[' items ',' ']'                   { $$ = $2; }
  ;

items:
    number                              { $$.start = $1; $$.n = 1; }
  | list                                { $$ = $1; }
  | items ',' number                    { $$ = $1; $$.n = $3 + 1 - $1.start; }
  | items ',' list                      { $$ = $1; $$.n = $3.start + $3.n - $1.start; }
  ;

args:
    %empty                              { $$ = NULL; }
  | arglist                             { $$ = $1; }
  ;

arglist:                                /* built backwards */
    arg                                 { $$ = $1; }
  | arglist ',' arg                     { $$ = $3; $$->next = $1; }
  ;

arg:
    NAME                                { $$ = dsl_alloc(d, sizeof *$$); $$->name = $1; $$->loc = *AT(@1); }
  | SKIP                                { $$ = dsl_alloc(d, sizeof *$$); $$->absent = 1; $$->loc = *AT(@1); }
  | literal                             { $$ = dsl_alloc(d, sizeof *$$); $$->val = $1; $$->loc = $1->loc; }
  | NAME '=' literal                    { $$ = dsl_alloc(d, sizeof *$$); $$->name = $1; $$->val = $3;
                                          $$->attr = 1; $$->loc = *AT(@1); }
  ;

%%

static void dslyyerror(DSLYYLTYPE *l, yyscan_t scanner, Dsl *d, const char *msg) {
  (void)scanner;
  if (strcmp(msg, "memory exhausted") == 0)  /* bison's stack: YYMAXDEPTH */
    error_loc(AT(*l), "brackets or lists nested too deep for the parser (at most %d levels)",
              YYMAXDEPTH);
  if (d->annot_line && strncmp(msg, "syntax error", 12) == 0)
    error_loc(AT(*l), "the annotation at line %d must be followed by an operator, an input or "
              "the model line", d->annot_line);
  error_loc(AT(*l), "%s", msg);
}
