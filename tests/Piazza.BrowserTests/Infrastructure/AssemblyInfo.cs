// Each test drives a real chromium against its own server: run them one at a time on these 2-core machines.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
