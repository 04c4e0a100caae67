/*
 * dsl.y - the model language's grammar (bison, a pure parser with
 * locations; the summary is in doc/dsl.md).  Statements are built into IR
 * as they are reduced (dsl_build.c), so a name is defined before it is
 * used, as in an ONNX graph's topological order.  Newlines carry no
 * meaning: every statement ends where the next one's first token shows.
 * A type always has brackets ("float32[]" is a scalar), so that a name
 * before '[' starts a type and a name before '=' an attribute.
 */
%define api.pure full
%define api.prefix {dslyy}
%define parse.error verbose
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
typedef void *yyscan_t;
}

%code top {
#include "dsl.h"
}

%code {
int dslyylex(DSLYYSTYPE *lval, DSLYYLTYPE *lloc, yyscan_t scanner);
static void dslyyerror(DSLYYLTYPE *l, yyscan_t scanner, Dsl *d, const char *msg);
#define AT(l) (&(SrcLoc){d->file->path, (l).first_line, (l).first_column})
}

%union {
  int64_t i;
  double f;
  const char *s;
  DslVal *val;
  DslType *type;
  DslArg *arg;
  DslName *names;
  int64_t ndims;
}

%token MODEL "keyword model" OPSET "keyword opset" INPUT "keyword input"
%token OUTPUT "keyword output" CONST "keyword const" INCLUDE "keyword include" FILE_ "keyword file"
%token <s> NAME "name" STRING "string"
%token <i> INT "integer"
%token <f> FLOAT "number"
%type <val> literal list items number init
%type <type> type dims
%type <arg> args arglist arg
%type <names> names
%type <s> label

%%

file:
    %empty
  | file stmt
  ;

stmt:
    MODEL NAME                          { dsl_model(d, $2); }
  | OPSET INT                           { dsl_opset(d, $2, AT(@2)); }
  | INCLUDE STRING                      { dsl_include(d, $2, AT(@2)); }
  | INPUT NAME ':' type                 { dsl_input(d, $2, AT(@2), $4); }
  | CONST NAME ':' type '=' init        { dsl_const(d, $2, AT(@2), $4, $6); }
  | CONST NAME '=' literal              { dsl_const(d, $2, AT(@2), NULL, $4); }
  | OUTPUT names                        { dsl_output(d, $2); }
  | label names '=' NAME '(' args ')'   { dsl_node(d, $1, $2, $4, AT(@4), $6); }
  ;

label:
    %empty                              { $$ = NULL; }
  | STRING ':'                          { $$ = $1; }
  ;

names:
    NAME                                { $$ = dsl_alloc(d, sizeof *$$); $$->name = $1; $$->loc = *AT(@1); }
  | names ',' NAME                      { DslName *n = dsl_alloc(d, sizeof *n), *p = $1;
                                          n->name = $3; n->loc = *AT(@3);
                                          while (p->next) p = p->next;
                                          p->next = n; $$ = $1; }
  ;

type:
    dims ']'                            { $$ = $1; }
  | NAME '[' ']'                        { $$ = dsl_type(d, $1, AT(@1)); }
  ;

dims:
    NAME '[' INT                        { $$ = dsl_type(d, $1, AT(@1));
                                          $$->rank = 1; $$->dims[0] = $3; }
  | dims ',' INT                        { if ($1->rank == IR_MAXRANK)
                                            error_loc(AT(@3), "more than %d dimensions", IR_MAXRANK);
                                          $$ = $1; $$->dims[$$->rank++] = $3; }
  ;

init:
    list                                { $$ = $1; }
  | number                              { $$ = $1; }
  | FILE_ STRING                        { $$ = dsl_file_tensor(d, $2, AT(@2)); }
  ;

literal:
    number                              { $$ = $1; }
  | list                                { $$ = $1; }
  | STRING                              { $$ = dsl_alloc(d, sizeof *$$); $$->kind = DV_STRING;
                                          $$->s = $1; $$->loc = *AT(@1); }
  | type init                           { $$ = dsl_tensor(d, $1, $2); }
  ;

number:
    INT                                 { $$ = dsl_alloc(d, sizeof *$$); $$->scalar = 1; $$->loc = *AT(@1);
                                          dsl_nums_add(d, &$$->nums, 1, $1, 0); }
  | FLOAT                               { $$ = dsl_alloc(d, sizeof *$$); $$->scalar = 1; $$->loc = *AT(@1);
                                          dsl_nums_add(d, &$$->nums, 0, 0, $1); }
  | '-' INT                             { $$ = dsl_alloc(d, sizeof *$$); $$->scalar = 1; $$->loc = *AT(@1);
                                          dsl_nums_add(d, &$$->nums, 1, -$2, 0); }
  | '-' FLOAT                           { $$ = dsl_alloc(d, sizeof *$$); $$->scalar = 1; $$->loc = *AT(@1);
                                          dsl_nums_add(d, &$$->nums, 0, 0, -$2); }
  ;

list:
    '[' ']'                             { $$ = dsl_alloc(d, sizeof *$$); $$->loc = *AT(@1); }
  | '[' items ']'                       { $$ = $2; $$->loc = *AT(@1); }
  | '[' items ',' ']'                   { $$ = $2; $$->loc = *AT(@1); }
  ;

items:
    number                              { $$ = $1; $$->scalar = 0; }
  | list                                { $$ = $1; }
  | items ',' number                    { $$ = $1; dsl_nums_cat(d, &$$->nums, &$3->nums); }
  | items ',' list                      { $$ = $1; dsl_nums_cat(d, &$$->nums, &$3->nums); }
  ;

args:
    %empty                              { $$ = NULL; }
  | arglist                             { $$ = $1; }
  ;

arglist:
    arg                                 { $$ = $1; }
  | arglist ',' arg                     { DslArg *p = $1;
                                          while (p->next) p = p->next;
                                          p->next = $3; $$ = $1; }
  ;

arg:
    NAME                                { $$ = dsl_alloc(d, sizeof *$$); $$->name = $1; $$->loc = *AT(@1); }
  | literal                             { $$ = dsl_alloc(d, sizeof *$$); $$->val = $1; $$->loc = $1->loc; }
  | NAME '=' literal                    { $$ = dsl_alloc(d, sizeof *$$); $$->name = $1; $$->val = $3;
                                          $$->attr = 1; $$->loc = *AT(@1); }
  ;

%%

static void dslyyerror(DSLYYLTYPE *l, yyscan_t scanner, Dsl *d, const char *msg) {
  (void)scanner;
  error_loc(AT(*l), "%s", msg);
}
