module example.com/counter

go 1.19

require github.com/cilium/ebpf v0.9.1

require golang.org/x/sys v0.2.0 // indirect
