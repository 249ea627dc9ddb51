;; Declares a kind (bit 1<<7) that ABI version 1 does not define: refused.
(module
  (memory (export "memory") 1)
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x82))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_price") (param i32 i32 i32 i32) (result i32) (local.get 2))
)
