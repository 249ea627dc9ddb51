;; ec2x_price takes two arguments and returns an i64: refused at load.
(module
  (memory (export "memory") 1)
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x2))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_price") (param i32 i32) (result i64) (i64.const 0))
)
