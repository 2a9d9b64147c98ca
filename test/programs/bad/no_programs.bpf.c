// Bad input for tests: a BPF object with data but no program.
int data = 1;
