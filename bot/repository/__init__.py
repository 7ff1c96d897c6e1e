"""From an approved fix to a pull request, and the plan back into the incident's thread.

`git.py` writes the reviewed files as one commit on a branch with real git, `github.py` opens the pull
request over GitHub's REST API (an App installation token or a token), `plan.py` reads the plan Atlantis or
Terraform Cloud posts back, `pull.py` is the flow a worker runs, `webhook.py` the signed GitHub webhook.
"""
