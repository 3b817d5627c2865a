{application,couch_plugins,
             [{description,"A CouchDB Plugin Installer"},
              {vsn,"1"},
              {registered,[]},
              {applications,[kernel,stdlib]},
              {mod,{couch_plugins_app,[]}},
              {env,[]},
              {modules,[couch_plugins,couch_plugins_app,couch_plugins_httpd,
                        couch_plugins_sup]}]}.
