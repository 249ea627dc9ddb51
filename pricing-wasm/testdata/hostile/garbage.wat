;; Prices every on-demand item as NaN: the call fails as a bad result.
(module
  (memory (export "memory") 1)
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x2))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_price") (param i32 i32 i32 i32) (result i32)
    (f64.store (local.get 3) (f64.const nan))
    (local.get 2))
)
