;; Declares 2,048 pages (128 MiB) of initial memory, over the 64 MiB cap: it
;; must be refused at load.
(module
  (memory (export "memory") 2048)
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x2))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_price") (param i32 i32 i32 i32) (result i32) (local.get 2))
)
