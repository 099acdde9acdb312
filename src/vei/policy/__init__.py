"""The policy engine: rules over each call, promotion of monitor findings, and what a
violation does (``VEI_POLICY_MODE``: observe, warn or block). See docs/policy.md.

``section`` holds the scenario's ``policy`` section; ``rules`` the rule functions;
``engine`` the middleware that applies them; ``twin`` folds violations into state;
``assemble`` adds monitors and policy to a new world.
"""
