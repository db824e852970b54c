"""Service folders are packages only so that each service's tests get a unique module name
(services.<name>.tests): one pytest run can then collect every service's tests."""
