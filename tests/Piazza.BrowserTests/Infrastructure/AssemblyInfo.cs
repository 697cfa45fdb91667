// Each test drives chromium against its own server: one at a time on these 2-core machines (two side by side took as
// long in all, the cores being busy either way, and only added timing noise).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
