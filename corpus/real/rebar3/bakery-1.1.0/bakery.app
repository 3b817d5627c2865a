{application,bakery,
             [{description,"relupkit corpus: a rebar3 release"},
              {vsn,"1.1.0"},
              {registered,[bakery_sup,bakery_oven]},
              {mod,{bakery_app,[]}},
              {applications,[kernel,stdlib,sasl]},
              {env,[]},
              {modules,[bakery_app,bakery_oven,bakery_recipes,bakery_sup,
                        bakery_timer]}]}.
