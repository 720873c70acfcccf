// The local Nx plugin of this workspace (@mcp-factory/workspace): generators and workspace checks.
export {};
