module example.com/procmon

go 1.19

require (
	github.com/acme/nettypes v1.4.0
	github.com/cilium/ebpf v0.16.0
	github.com/jellydator/ttlcache/v3 v3.2.0
)

require (
	golang.org/x/exp v0.0.0-20230224173230-c95f2b4c22f2 // indirect
	golang.org/x/sys v0.20.0 // indirect
)
