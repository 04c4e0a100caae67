# macs.awk - multiply-accumulates per inference of a model, from `bibc
# MODEL --dump-ir`: MatMul and Gemm M*N*K (their kernel parameters
# ip={M,N,K,...}; a batched MatMul counts each batch), Conv output
# elements times the weight's elements per output channel.
function dims(s,   a, n, i, p) {  # "float32[1,2,8,8]" -> product of dims after the first in D1, all in D0
  sub(/^[^\[]*\[/, "", s); sub(/\].*/, "", s)
  n = split(s, a, ","); D0 = 1; D1 = 1
  for (i = 1; i <= n; i++) { D0 *= a[i]; if (i > 1) D1 *= a[i] }
}
/^const %/ { name = $2; dims($4); wshape[name] = D1 }
/ rt_(matmul|gemm|spmatmul)_/ {
  match($0, /ip=\{[^}]*\}/); split(substr($0, RSTART + 4, RLENGTH - 5), ip, ",")
  dims($3); m = ip[1]; n = ip[2]; k = ip[3]
  macs += (m * n > 0 ? D0 / (m * n) : 1) * m * n * k
}
/ rt_conv_/ {
  dims($3); out = D0
  match($0, /Conv\([^,]*, %[^,)]*/); w = substr($0, RSTART, RLENGTH); sub(/.*, /, "", w)
  macs += out * wshape[w]
}
END { printf "%.0f\n", macs }
